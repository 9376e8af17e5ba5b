"""Full screens: unlock, household list, household detail."""
