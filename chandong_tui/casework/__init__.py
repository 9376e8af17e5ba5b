"""What users do — records, saves, queues — through a typed repository. No Textual."""
