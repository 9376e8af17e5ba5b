"""One catalogue for user-facing text, in Korean (default) and English.

Every layer may use it (it imports nothing of the project). Texts are looked up by key;
`{name}` placeholders are filled with `str.format`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Lang(StrEnum):
    """The languages the interface speaks."""

    KO = "ko"
    EN = "en"


@dataclass(frozen=True, slots=True)
class Label:
    """A text in both languages."""

    ko: str
    en: str

    def __call__(self, lang: Lang | str = Lang.KO) -> str:
        return self.en if lang == Lang.EN else self.ko


CATALOGUE: dict[str, Label] = {
    # validation
    "phone_format": Label(
        "전화번호 형식이 아닙니다 (예: 010-1234-5678, 02-123-4567)",
        "Not a phone number (e.g. 010-1234-5678, 02-123-4567)",
    ),
    "rrn_format": Label(
        "주민등록번호 형식이 아닙니다 (예: 711231-1234567)",
        "Not a resident registration number (e.g. 711231-1234567)",
    ),
    "date_in_future": Label("미래 날짜는 입력할 수 없습니다", "The date cannot be in the future"),
    "date_format": Label("날짜 형식이 아닙니다 (YYYY-MM-DD)", "Not a date (YYYY-MM-DD)"),
    "due_before_visit": Label(
        "다음 방문 예정일은 방문일 이후여야 합니다", "The next visit must be after this visit"
    ),
    "tong_range": Label("통은 1~99 사이의 숫자입니다", "통 (tong) is a number from 1 to 99"),
    "ban_range": Label("반은 1~99 사이의 숫자입니다", "반 (ban) is a number from 1 to 99"),
    "consent_date_missing": Label(
        "동의한 경우 동의 날짜가 필요합니다", "Consent needs the date it was given"
    ),
    "birth_date_range": Label("생년월일이 올바르지 않습니다", "The birth date is not plausible"),
    # pydantic's own error types, as a form shows them
    "missing": Label("필수 항목입니다", "Required"),
    "string_type": Label("필수 항목입니다", "Required"),
    "enum": Label("목록에서 고르세요", "Pick one from the list"),
    "too_short": Label("하나 이상 고르세요", "Pick at least one"),
    "int_parsing": Label("숫자를 입력하세요", "Type a number"),
    "int_type": Label("숫자를 입력하세요", "Type a number"),
    "float_parsing": Label("숫자를 입력하세요", "Type a number"),
    "greater_than_equal": Label("{ge} 이상이어야 합니다", "Must be at least {ge}"),
    "less_than_equal": Label("{le} 이하여야 합니다", "Must be at most {le}"),
    "text_empty": Label("비워 둘 수 없습니다", "This cannot be empty"),
    "text_too_long": Label("너무 깁니다 (최대 {max}자)", "Too long (at most {max} characters)"),
    "control_chars": Label("제어 문자는 입력할 수 없습니다", "Control characters are not allowed"),
    "amount_range": Label("금액은 0원 이상이어야 합니다", "The amount must be 0 won or more"),
    "resolved_needs_time": Label(
        "해결된 위기가구에는 해결 일시가 필요합니다", "A resolved flag needs the time it was resolved"
    ),
    "health_not_for_kind": Label(
        "건강 측정값은 방문간호사만 기록합니다", "Only visiting nurses record health measures"
    ),
    "id_format": Label("식별자 형식이 올바르지 않습니다", "Not a valid identifier"),
    "dong_code_format": Label("행정기관코드는 10자리 숫자입니다", "An administrative code has 10 digits"),
    # application
    "app_title": Label("찾동 사례관리", "chandong case management"),
    "unlock_title": Label("잠금 해제", "Unlock"),
    "user_id": Label("사용자 ID", "User ID"),
    "passphrase": Label("비밀번호", "Passphrase"),
    "unlock": Label("열기", "Unlock"),
    "auth_failed": Label("사용자 ID 또는 비밀번호가 올바르지 않습니다", "Wrong user ID or passphrase"),
    "households": Label("가구 목록", "Households"),
    "household": Label("가구", "Household"),
    "members": Label("가구원", "Members"),
    "visits": Label("방문상담", "Visits"),
    "crisis_flags": Label("위기가구", "Crisis flags"),
    "search": Label("검색", "Search"),
    "search_hint": Label(
        "이름, 주소, 통/반, 전화 끝자리, 태그, 초성(ㄱㅊㅅ)",
        "Name, address, tong/ban, phone digits, tag, initials",
    ),
    "quit": Label("종료", "Quit"),
    "back": Label("뒤로", "Back"),
    "open": Label("열기", "Open"),
    "owner": Label("담당", "Owner"),
    "tags": Label("태그", "Tags"),
    "address": Label("주소", "Address"),
    "status": Label("상태", "Status"),
    "consent": Label("개인정보 수집 동의", "Consent to collect personal data"),
    "none": Label("없음", "none"),
    "timeline": Label("기록", "Timeline"),
    "next_visit_due": Label("다음 방문 예정", "Next visit due"),
    "no_results": Label("결과 없음", "No results"),
    "count_households": Label("{n}가구", "{n} households"),
    "integrity_warning": Label(
        "손상되었거나 확인할 수 없는 파일 {n}개를 건너뛰었습니다",
        "Skipped {n} damaged or unverifiable files",
    ),
    "saved": Label("저장됨", "Saved"),
    # terminal interface (chandong_tui/tui)
    "unlocking": Label("여는 중…", "Unlocking…"),
    "unlock_error": Label("금고를 열 수 없습니다: {reason}", "Cannot open the vault: {reason}"),
    "signed_in": Label("{dong} · {name} ({role})", "{dong} · {name} ({role})"),
    "count_filtered": Label("{n}/{total}가구", "{n} of {total} households"),
    "col_tong_ban": Label("통-반", "Tong"),
    "col_head": Label("가구주", "Head"),
    "col_flag": Label("위기", "Flag"),
    "household_detail": Label("가구 상세", "Household detail"),
    "household_missing": Label("가구를 찾을 수 없습니다", "Household not found"),
    "household_unreadable": Label(
        "이 가구의 기록을 읽을 수 없습니다: {reason}", "This household's records cannot be read: {reason}"
    ),
    "tong_ban_value": Label("{tong}통 {ban}반", "Tong {tong}, ban {ban}"),
    "consent_given": Label("동의 ({on})", "Given ({on})"),
    "consent_refused": Label("미동의", "Not given"),
    "consent_short": Label("개인정보 동의", "Consent"),
    "name": Label("이름", "Name"),
    "age": Label("나이", "Age"),
    "age_value": Label("{n}세", "{n}"),
    "relation": Label("관계", "Relation"),
    "rrn": Label("주민등록번호", "RRN"),
    "phone": Label("전화", "Phone"),
    "health": Label("건강", "Health"),
    "conditions": Label("질환", "Conditions"),
    "medications": Label("복용약", "Medications"),
    "open_flags": Label("진행중인 위기", "Open crisis flags"),
    "raised_at": Label("발견", "Raised"),
    "date": Label("날짜", "Date"),
    "kind": Label("구분", "Kind"),
    "worker": Label("담당자", "Worker"),
    "summary": Label("내용", "Summary"),
    "conference": Label("사례회의", "Case conference"),
    "handoff": Label("사례 이관", "Hand-off"),
    "no_records": Label("기록 없음", "No records"),
    "key_quit": Label("종료", "Quit"),
    "tip_quit": Label("찾동을 닫습니다 (저장한 내용은 남습니다)", "Close chandong (saved work stays)"),
    "key_palette": Label("명령", "Commands"),
    "tip_palette": Label("명령 목록을 엽니다", "Open the command palette"),
    "key_search": Label("검색", "Search"),
    "tip_search": Label("검색창으로 이동합니다", "Go to the search box"),
    "key_list": Label("목록", "List"),
    "tip_list": Label("가구 목록으로 이동합니다", "Go to the household list"),
    "key_open": Label("열기", "Open"),
    "tip_open": Label("선택한 가구의 상세를 엽니다", "Open the selected household"),
    "key_back": Label("뒤로", "Back"),
    "tip_back": Label("이전 화면으로 돌아갑니다", "Go back to the previous screen"),
    "key_up": Label("위", "Up"),
    "key_down": Label("아래", "Down"),
    "key_page_up": Label("이전 쪽", "Page up"),
    "key_page_down": Label("다음 쪽", "Page down"),
    "key_first": Label("처음", "First"),
    "key_last": Label("끝", "Last"),
    "cmd_households_open": Label("가구 목록: 열기", "households: open"),
    "cmd_households_open_help": Label("가구 목록 화면으로 갑니다", "Show the household list"),
    "cmd_households_search": Label("가구 목록: 검색", "households: search"),
    "cmd_households_search_help": Label(
        "이름, 주소, 통/반, 전화 끝자리, 태그로 찾습니다",
        "Find by name, address, tong/ban, phone digits, tag",
    ),
    "cmd_household_open": Label("가구: 상세 열기", "household: open"),
    "cmd_household_open_help": Label(
        "목록에서 선택한 가구의 상세를 엽니다", "Open the household under the cursor"
    ),
    "cmd_back": Label("화면: 뒤로", "screen: back"),
    "cmd_back_help": Label("이전 화면으로 돌아갑니다", "Go back to the previous screen"),
    "cmd_keys": Label("앱: 키 도움말", "app: keys"),
    "cmd_keys_help": Label("지금 쓸 수 있는 키를 보여 줍니다", "Show the keys available here"),
    "cmd_quit": Label("앱: 종료", "app: quit"),
    "cmd_quit_help": Label("찾동을 닫습니다", "Close chandong"),
    # monthly report screen (chandong_tui/tui/screens/report_screen.py, widgets/month_chart.py,
    # modals/export_modal.py)
    "key_report": Label("월간 보고", "Report"),
    "tip_report": Label("월간 보고 화면을 엽니다 (복지슈퍼바이저)", "Open the monthly report (supervisors)"),
    "key_month_prev": Label("이전 달", "Prev month"),
    "tip_month_prev": Label("한 달 앞으로 갑니다", "Show the month before"),
    "key_month_next": Label("다음 달", "Next month"),
    "tip_month_next": Label("한 달 뒤로 갑니다", "Show the month after"),
    "key_month_type": Label("월 입력", "Type month"),
    "tip_month_type": Label("YYYY-MM으로 월을 입력합니다", "Type a month as YYYY-MM"),
    "key_export": Label("내보내기", "Export"),
    "tip_export": Label("이 달의 보고를 CSV로 저장합니다", "Save this month's report as CSV"),
    "key_save": Label("저장", "Save"),
    "tip_save": Label("파일로 저장합니다", "Write the file"),
    "tip_save_form": Label("입력한 내용을 저장합니다", "Save what you entered"),
    "key_cancel": Label("취소", "Cancel"),
    "tip_cancel": Label("저장하지 않고 닫습니다", "Close without writing"),
    "report_title": Label("월간 보고 · {month} · {dong}", "Monthly report · {month} · {dong}"),
    "report_supervisor_only": Label(
        "월간 보고는 복지슈퍼바이저만 볼 수 있습니다", "Only supervisors can see the monthly report"
    ),
    "report_month_label": Label("보고 월", "Month"),
    "report_month_bad": Label("YYYY-MM 형식으로 입력하세요 (예: 2026-10)", "Use YYYY-MM, e.g. 2026-10"),
    "report_loading": Label("계산 중…", "Computing…"),
    "report_col_figure": Label("항목", "Figure"),
    "report_col_value": Label("값", "Value"),
    "report_none": Label("–", "–"),
    "report_won": Label("{n}원", "₩{n}"),
    "report_hours": Label("{n}시간", "{n} h"),
    "report_saved": Label("저장됨: {path}", "Saved: {path}"),
    "report_save_failed": Label("저장하지 못했습니다: {reason}", "Could not save: {reason}"),
    "chart_title": Label("최근 {n}개월", "Last {n} months"),
    "chart_visits": Label("방문상담", "Visits"),
    "chart_flags": Label("위기 발굴", "Crisis flags"),
    "export_title": Label("월간 보고 내보내기 · {month}", "Export the monthly report · {month}"),
    "export_path": Label("저장할 파일", "File"),
    "export_path_empty": Label("파일 경로를 입력하세요", "Type a file path"),
    "export_header": Label("머리글", "Header"),
    "export_header_ko": Label("한국어 머리글", "Korean headers"),
    "export_header_keys": Label("영문 키 (스크립트용)", "English keys (for scripts)"),
    "cmd_report_open": Label("보고: 열기", "report: open"),
    "cmd_report_open_help": Label("복지슈퍼바이저의 월간 보고 화면", "The supervisor's monthly report"),
    "cmd_report_export": Label("보고: 내보내기", "report: export"),
    "cmd_report_export_help": Label("이 달의 보고를 CSV로 저장합니다", "Save this month's report as CSV"),
    # figure labels: in their definitions, `reports.figures.DEFINITIONS`
    # forms (tui/modals/form_modal.py, confirm_modal.py)
    "key_yes": Label("예", "Yes"),
    "key_no": Label("아니오", "No"),
    "tip_yes": Label("예로 답합니다", "Answer yes"),
    "tip_no": Label("아니오로 답합니다", "Answer no"),
    "tip_cancel_form": Label(
        "입력을 버리고 닫습니다 (입력한 내용이 있으면 묻습니다)", "Close (asks first if you typed anything)"
    ),
    "form_has_errors": Label("표시된 항목을 고쳐 주세요", "Please correct the fields marked"),
    "drop_edits": Label("입력한 내용을 버리고 닫을까요?", "Drop what you typed and close?"),
    # -- visit and crisis flag forms (tui/modals/visit_modal.py, flag_modal.py) --
    "key_visit": Label("방문 기록", "Record visit"),
    "tip_visit": Label("이 가구의 방문상담을 기록합니다", "Record a visit to this household"),
    "key_flag_raise": Label("위기 등록", "Raise flag"),
    "tip_flag_raise": Label(
        "위기가구로 등록합니다 (72시간 첫 방문 기한 시작)",
        "Flag the household in crisis (starts the 72-hour clock)",
    ),
    "key_flag_update": Label("위기 수정", "Update flag"),
    "tip_flag_update": Label(
        "진행중인 위기의 수준, 사유, 메모를 고칩니다", "Change an open flag's level, reasons or note"
    ),
    "key_flag_resolve": Label("위기 해결", "Resolve flag"),
    "tip_flag_resolve": Label(
        "지원 내용을 적고 위기를 닫습니다", "Close an open flag with the support given"
    ),
    "key_pick": Label("선택", "Pick"),
    "tip_pick": Label("이 위기가구 기록을 고릅니다", "Pick this crisis flag"),
    "tip_pick_cancel": Label("고르지 않고 닫습니다", "Close without picking"),
    "household_label": Label("{name} ({tong}통 {ban}반)", "{name} (tong {tong}, ban {ban})"),
    "visit_title": Label("방문상담 기록 · {household}", "Record a visit · {household}"),
    "visited_on": Label("방문일", "Visit date"),
    "visit_kind": Label("방문 구분", "Visit kind"),
    "target_group": Label("대상", "Target group"),
    "needs_found": Label("확인된 욕구", "Needs found"),
    "resource_row": Label("자원연계 {n}", "Resource {n}"),
    "agency": Label("기관", "Agency"),
    "service": Label("서비스", "Service"),
    "resource_category": Label("분야", "Category"),
    "outcome": Label("결과", "Outcome"),
    "systolic": Label("수축기 혈압", "Systolic BP"),
    "diastolic": Label("이완기 혈압", "Diastolic BP"),
    "glucose": Label("혈당(mg/dL)", "Glucose mg/dL"),
    "weight_kg": Label("체중(kg)", "Weight (kg)"),
    "health_note": Label("건강 메모", "Health note"),
    "note": Label("메모", "Note"),
    "date_hint": Label("YYYY-MM-DD", "YYYY-MM-DD"),
    "pick_one": Label("고르세요", "Pick one"),
    "flag_raise_title": Label("위기가구 등록 · {household}", "Raise a crisis flag · {household}"),
    "flag_update_title": Label("위기가구 수정 · {household}", "Update a crisis flag · {household}"),
    "flag_resolve_title": Label("위기가구 해결 · {household}", "Resolve a crisis flag · {household}"),
    "flag_level": Label("위기 수준", "Level"),
    "flag_reasons": Label("위기 사유", "Reasons"),
    "flag_clock_due": Label("72시간 첫 방문 기한: {due}", "72-hour first visit due: {due}"),
    "flag_clock_starts": Label("저장하면 기한이 시작됩니다", "The clock starts when you save"),
    "flag_summary": Label("{level} · {reasons} · 발견 {raised}", "{level} · {reasons} · raised {raised}"),
    "support_amount": Label("{kind} 지원금(원)", "{kind} (₩)"),
    "amount_hint": Label("지원하지 않았으면 비워 두세요", "Leave blank if not given"),
    "services_linked": Label("연계 서비스", "Services linked"),
    "services_hint": Label("쉼표로 구분 (예: 푸드뱅크, 정신건강복지센터)", "Comma separated"),
    "resolve_note": Label("해결 메모", "Resolution note"),
    "flag_pick_title": Label("어느 위기가구 기록인가요?", "Which crisis flag?"),
    "cmd_visit_record": Label("가구: 방문 기록", "household: record visit"),
    "cmd_visit_record_help": Label("이 가구의 방문상담을 기록합니다", "Record a visit to this household"),
    "cmd_flag_raise": Label("위기가구: 등록", "crisis flag: raise"),
    "cmd_flag_raise_help": Label(
        "이 가구를 위기가구로 등록합니다 (72시간 기한 시작)", "Flag this household (starts the 72-hour clock)"
    ),
    "cmd_flag_update": Label("위기가구: 수정", "crisis flag: update"),
    "cmd_flag_update_help": Label(
        "진행중인 위기의 수준과 사유를 고칩니다", "Change an open flag's level or reasons"
    ),
    "cmd_flag_resolve": Label("위기가구: 해결", "crisis flag: resolve"),
    "cmd_flag_resolve_help": Label(
        "지원 내용을 적고 위기를 닫습니다", "Close an open flag with the support given"
    ),
    # -- end visit and crisis flag forms --
    # -- household registration, list filters, help (tui/modals/household_modal.py, help_screen.py) --
    "key_register": Label("등록", "New"),
    "tip_register": Label("새 가구를 가구원과 함께 등록합니다", "Register a new household with its members"),
    "key_mine": Label("내 사례", "Mine"),
    "tip_mine": Label(
        "내가 담당하는 가구만 봅니다 (목록에서; 다시 누르면 해제)",
        "Only the households you own (in the list; press again to clear)",
    ),
    "key_tag_filter": Label("태그", "Tag"),
    "tip_tag_filter": Label(
        "태그로 거릅니다 (목록에서; 누를 때마다 다음 태그, 마지막 다음은 해제)",
        "Filter by tag (in the list; each press the next tag, then none)",
    ),
    "key_tong_filter": Label("통", "Tong"),
    "tip_tong_filter": Label(
        "통 번호로 거릅니다 (목록에서; 비우면 해제)", "Filter by tong number (in the list; empty clears)"
    ),
    "key_open_flag": Label("위기", "Crisis"),
    "tip_open_flag": Label(
        "진행중인 위기가 있는 가구만 봅니다 (목록에서; 다시 누르면 해제)",
        "Only households with an open crisis flag (in the list; press again to clear)",
    ),
    "key_clear_filters": Label("필터 해제", "Clear filters"),
    "tip_clear_filters": Label(
        "검색어와 필터를 모두 지웁니다 (목록에서)", "Clear the search and every filter (in the list)"
    ),
    "filter_line": Label("필터: {filters} — {count}", "Filters: {filters} — {count}"),
    "filter_mine": Label("내 사례", "my cases"),
    "filter_open_flag": Label("위기 진행중", "open crisis flag"),
    "filter_tong": Label("{tong}통", "tong {tong}"),
    "tong_prompt": Label("통 번호 (비우면 해제)", "Tong number (empty clears)"),
    "tong_prompt_bad": Label("1~99 사이의 숫자를 입력하세요", "Type a number from 1 to 99"),
    "key_apply": Label("적용", "Apply"),
    "tip_apply": Label("입력한 통으로 거릅니다", "Filter by this tong"),
    "tip_cancel_prompt": Label("바꾸지 않고 닫습니다", "Close without changing anything"),
    "register_title": Label("가구 등록", "Register a household"),
    "field_tong": Label("통", "Tong"),
    "field_ban": Label("반", "Ban"),
    "field_road_address": Label("도로명주소", "Road address"),
    "field_address_detail": Label("상세주소", "Address detail"),
    "field_consent_given": Label("동의 받음", "Consent given"),
    "field_consent_date": Label("동의 날짜", "Consent date"),
    "field_birth_date": Label("생년월일", "Birth date"),
    "field_sex": Label("성별", "Sex"),
    "field_optional": Label("선택 사항", "optional"),
    "field_date_hint": Label("YYYY-MM-DD", "YYYY-MM-DD"),
    "choose": Label("고르세요", "Choose"),
    "member_heading": Label("가구원 {n}", "Member {n}"),
    "member_heading_extra": Label(
        "가구원 {n} (모두 비워 두면 등록하지 않습니다)", "Member {n} (left empty, it is not registered)"
    ),
    "key_add_member": Label("가구원 추가", "Add member"),
    "tip_add_member": Label("가구원 입력란을 하나 더 엽니다", "Add fields for one more member"),
    "key_drop_member": Label("가구원 빼기", "Drop member"),
    "tip_drop_member": Label("마지막 가구원 입력란을 닫습니다", "Remove the last member's fields"),
    "members_max": Label("한 번에 가구원 {n}명까지 등록합니다", "At most {n} members at a time"),
    "key_help": Label("도움말", "Help"),
    "tip_help": Label("이 화면에서 쓸 수 있는 키를 모두 보여 줍니다", "Show every key of this screen"),
    "help_title": Label("키 도움말 · {screen}", "Keys · {screen}"),
    "help_this_screen": Label("이 화면", "This screen"),
    "help_everywhere": Label("어디서나", "Everywhere"),
    "help_col_key": Label("키", "Key"),
    "help_col_action": Label("동작", "Action"),
    "help_col_detail": Label("설명", "Details"),
    "key_close": Label("닫기", "Close"),
    "tip_close_help": Label("도움말을 닫습니다", "Close the help"),
    "cmd_household_register": Label("가구: 등록", "household: register"),
    "cmd_household_register_help": Label(
        "새 가구를 가구원, 동의 날짜와 함께 등록합니다", "Register a household with its members and consent"
    ),
    "cmd_households_mine": Label("가구 목록: 내 사례만", "households: my cases"),
    "cmd_households_mine_help": Label(
        "내가 담당하는 가구만 (켜기/끄기)", "Only the households you own (on/off)"
    ),
    "cmd_households_tag": Label("가구 목록: 태그로 거르기", "households: filter by tag"),
    "cmd_households_tag_help": Label("다음 태그로 바꿉니다", "Switch to the next tag"),
    "cmd_households_tong": Label("가구 목록: 통으로 거르기", "households: filter by tong"),
    "cmd_households_tong_help": Label("통 번호를 입력합니다", "Type a tong number"),
    "cmd_households_open_flag": Label("가구 목록: 위기 진행중만", "households: open crisis flags"),
    "cmd_households_open_flag_help": Label(
        "진행중인 위기가 있는 가구만 (켜기/끄기)", "Only households with an open flag (on/off)"
    ),
    "cmd_households_clear": Label("가구 목록: 필터 해제", "households: clear filters"),
    "cmd_households_clear_help": Label("검색어와 필터를 모두 지웁니다", "Clear the search and every filter"),
    # -- end household registration, list filters, help --
    # -- dashboard (tui/screens/dashboard_screen.py) --
    "my_work": Label("내 업무", "My work"),
    "dashboard_summary": Label(
        "위기가구 {flags} (기한 초과 {breached}) · 방문 예정 {visits} · 이관 대기 {handoffs} · "
        "사례회의 {conferences}",
        "Crisis flags {flags} ({breached} overdue) · visits due {visits} · hand-offs {handoffs} · "
        "conferences {conferences}",
    ),
    "whole_dong": Label("동 전체", "whole dong"),
    "section_flags": Label("위기가구 · 72시간 첫 방문", "Crisis flags · 72-hour first visit"),
    "section_visits_due": Label("오늘까지 방문 예정", "Visits due (today and overdue)"),
    "section_handoffs": Label("나에게 온 이관 요청", "Hand-offs waiting for me"),
    "section_conferences": Label("다가오는 사례회의", "Upcoming case conferences"),
    "section_tasks": Label("할 일", "Tasks"),
    "nothing_to_do": Label("없음", "Nothing"),
    "section_more": Label(
        "외 {n}건 (가구 목록에서 찾아보세요)", "{n} more (find them in the household list)"
    ),
    "clock_left": Label("남은 시간 {left}", "{left} left"),
    "clock_breached": Label("기한 초과 {late}", "Overdue by {late}"),
    "clock_met": Label("첫 방문 완료", "Visited in time"),
    "clock_paused_left": Label("일시정지 · 남은 {left}", "Paused · {left} left"),
    "clock_late": Label("늦은 첫 방문", "Visited late"),
    "duration_days": Label("{days}일", "{days} days"),
    "due_today": Label("오늘", "today"),
    "due_overdue": Label("{days}일 지남", "{days} days late"),
    "agenda_count": Label("안건 {n}가구", "{n} households"),
    "key_households": Label("가구 목록", "Households"),
    "tip_households": Label("동의 모든 가구를 찾아봅니다", "Browse and search every household"),
    "key_refresh": Label("새로고침", "Refresh"),
    "tip_refresh": Label("업무 목록을 다시 읽습니다", "Read the work lists again"),
    "key_my_work": Label("내 업무", "My work"),
    "tip_my_work": Label("내 업무 화면으로 돌아갑니다", "Back to my work"),
    # -- sync: the status line and 충돌 검토 (tui/sync_status.py, tui/screens/conflicts_screen.py) --
    "sync_at": Label("동기화 {at}", "Synced {at}"),
    "sync_last": Label("마지막 동기화 {at}", "last synced {at}"),
    "sync_waiting": Label("보낼 변경 {n}건", "{n} to send"),
    "sync_kept": Label("이 PC에 보관 {n}건", "{n} kept on this PC"),
    "sync_conflicts": Label("충돌 검토 {n}건", "{n} conflicts to review"),
    "sync_problems": Label("읽지 못한 파일 {n}개", "{n} unreadable files"),
    "sync_offline": Label("공유 폴더 연결 안 됨", "Shared folder unreachable"),
    "sync_refused": Label(
        "공유 폴더를 쓰지 않음: 볼트 폴더가 아니거나 파일 대부분이 없음",
        "Shared folder refused: not the vault, or most files gone",
    ),
    "sync_clone": Label(
        "다른 PC가 이 PC로 기록함 (복제된 PC?): 보내기 멈춤",
        "Another PC writes as this one (a copied PC?): publishing stopped",
    ),
    "sync_removed": Label(
        "이 로그인은 볼트에서 제거됨: 보내기 멈춤",
        "This login was removed from the vault: publishing stopped",
    ),
    "sync_started": Label("동기화를 시작합니다", "Sync started"),
    "sync_busy": Label("동기화가 이미 진행 중입니다", "A sync round is already running"),
    "cmd_sync_now": Label("동기화: 지금", "sync: now"),
    "cmd_sync_now_help": Label(
        "공유 폴더에서 다른 PC의 변경을 받고 이 PC의 저장을 보냅니다",
        "Take in other PCs' changes and send this PC's saves now",
    ),
    "cmd_sync_conflicts": Label("동기화: 충돌 검토", "sync: conflicts"),
    "cmd_sync_conflicts_help": Label(
        "두 PC에서 같은 때 바뀐 값 중 남길 값을 고릅니다",
        "Pick the value to keep where two PCs changed a field at once",
    ),
    "cmd_conflict_keep": Label("충돌 검토: 이 값 남기기", "conflicts: keep this value"),
    "key_conflicts": Label("충돌 검토", "Conflicts"),
    "tip_conflicts": Label(
        "두 PC에서 같은 때 바뀐 값을 검토하고 남길 값을 고릅니다",
        "Review fields changed on two PCs at once and pick the value to keep",
    ),
    "key_keep": Label("이 값 남기기", "Keep this value"),
    "tip_keep": Label(
        "커서의 값을 남깁니다 (확인 후); 다른 값은 모든 PC에서 이 값으로 바뀝니다",
        "Keep the value under the cursor (after a confirmation); every PC takes it",
    ),
    "key_keep_number": Label("n번째 값 남기기", "Keep value n"),
    "tip_keep_number": Label(
        "커서가 있는 충돌의 n번째 값을 남깁니다 (확인 후)",
        "Keep the n-th value of the conflict under the cursor (after a confirmation)",
    ),
    "conflicts_screen_name": Label("충돌 검토", "Conflicts to review"),
    "conflicts_title": Label("충돌 검토 · {n}건", "Conflicts to review · {n}"),
    "conflicts_hint": Label(
        "두 PC에서 같은 때 바뀐 값입니다. 남길 값에서 Enter 또는 1–9",
        "Changed on two PCs at once: Enter on the value to keep, or 1–9",
    ),
    "conflicts_none": Label("검토할 충돌이 없습니다", "No conflicts to review"),
    "conflict_shown": Label("표시 중", "shown"),
    "conflict_household": Label("{name} 가구", "{name} household"),
    "conflict_tong_ban": Label("{tong}통 {ban}반", "tong {tong} ban {ban}"),
    "conflict_kind_crisis_flag": Label("위기가구", "Crisis flag"),
    "conflict_kind_handoff": Label("사례 이관", "Hand-off"),
    "conflict_kind_conference": Label("사례회의", "Conference"),
    "conflict_field_flag_state": Label("상태", "State"),
    "conflict_field_agenda": Label("안건과 결정", "Agenda and decisions"),
    "conflict_agenda_value": Label("안건 {n}가구 · 결정 {decided}", "{n} households · {decided} decided"),
    "conflict_confirm": Label(
        "{where}: '{value}' ({worker}, {at}) 값을 남깁니까? 다른 값은 모든 PC에서 이 값으로 바뀝니다.",
        "{where}: keep '{value}' ({worker}, {at})? Every PC replaces the other values with it.",
    ),
    "conflict_gone": Label(
        "이 충돌은 이미 해결되었습니다 (다른 PC에서)", "This conflict was already resolved (on another PC)"
    ),
    "conflict_no_value": Label("{n}번째 값이 없습니다", "There is no value {n}"),
    # -- end sync --
    "key_low_bandwidth": Label("저대역 모드", "Low bandwidth"),
    "tip_low_bandwidth": Label(
        "애니메이션과 커서 깜박임을 끄거나 켭니다", "Turn animations and blinking off or on"
    ),
    "low_bandwidth_on": Label("저대역 모드 켜짐", "Low-bandwidth mode on"),
    "low_bandwidth_off": Label("저대역 모드 꺼짐", "Low-bandwidth mode off"),
    "cmd_my_work": Label("업무: 내 업무", "work: my work"),
    "cmd_my_work_help": Label("위기가구 기한, 방문 예정, 이관 요청", "Crisis clocks, visits due, hand-offs"),
    "cmd_low_bandwidth": Label("화면: 저대역 모드 전환", "display: toggle low-bandwidth mode"),
    "cmd_low_bandwidth_help": Label("SSH로 접속할 때 화면 전송량을 줄입니다", "Fewer bytes over SSH"),
    # -- end dashboard --
    # -- queue --
    "queue_title": Label("슈퍼바이저 검토 목록", "Supervisor queue"),
    "queue_caseload": Label("담당자별 사례 수", "Caseload per worker"),
    "queue_overdue_visits": Label("방문 기한 초과", "Overdue visits"),
    "queue_clocks": Label("기한 초과·임박", "Clocks breached or due soon"),
    "queue_unowned": Label("담당자 없는 가구", "Households with no owner"),
    "queue_handoffs": Label("이관 대기", "Hand-offs waiting"),
    "queue_closures": Label("종결 승인 대기", "Closures awaiting approval"),
    "queue_empty": Label("검토할 항목이 없습니다", "Nothing in the queue"),
    "queue_escalated": Label("{days}근무일 이상 미응답", "Unanswered {days}+ working days"),
    "clock_first_visit": Label("72시간 첫 방문", "72-hour first visit"),
    "clock_task": Label("후속 과제", "Follow-up task"),
    "clock_next_visit": Label("다음 방문", "Next visit"),
    "clock_paused": Label("일시정지: {reason}", "Paused: {reason}"),
    "last_office_day": Label("{day}까지 방문 (연휴 전 마지막 근무일)", "Visit by {day} (last working day)"),
    "no_office_day": Label(
        "기한 내 근무일 없음: 당직 방문 필요", "No working day in time: out-of-hours visit"
    ),
    # -- end queue --
    # -- collaboration tui --
    # shared pieces (tui/modals/note_modal.py, choice_modal.py)
    "tip_pick_choice": Label("이 항목을 고릅니다", "Pick this item"),
    "tip_pick_cancel_choice": Label("고르지 않고 닫습니다", "Close without picking"),
    "worker_label": Label("{name} ({role})", "{name} ({role})"),
    # hand-offs (tui/modals/handoff_modal.py, tui/screens/handoff_screen.py)
    "key_handoff": Label("이관", "Hand off"),
    "tip_handoff": Label(
        "이 사례의 이관을 요청합니다 (진행 중인 이관이 있으면 엽니다)",
        "Ask to hand this case on (opens the hand-off already waiting)",
    ),
    "handoff_request_title": Label("사례 이관 요청 · {household}", "Hand-off request · {household}"),
    "handoff_target": Label("이관 대상", "Hand off to"),
    "handoff_to_worker": Label("받을 직원", "Receiving worker"),
    "handoff_to_dong": Label("받을 동 코드", "Receiving dong code"),
    "handoff_reason": Label("이관 사유", "Reason"),
    "handoff_summary": Label("사례 요약", "Case summary"),
    "handoff_dong_hint": Label(
        "다른 동: 행정기관코드 10자리 (예: 1159054000)", "Another dong: its 10-digit code (e.g. 1159054000)"
    ),
    "handoff_not_owner": Label(
        "사례 담당자나 슈퍼바이저만 이관을 요청합니다", "Only the case owner or a supervisor hands a case on"
    ),
    "handoff_closed": Label("종결된 가구는 이관할 수 없습니다", "A closed case cannot be handed on"),
    "handoff_title": Label("사례 이관 · {household}", "Hand-off · {household}"),
    "handoff_from": Label("보낸 사람", "From"),
    "handoff_to": Label("받는 곳", "To"),
    "handoff_state": Label("상태", "State"),
    "handoff_history": Label("처리 이력", "History"),
    "handoff_escalated": Label(
        "슈퍼바이저 검토로 넘어감 ({days}근무일 미응답)", "Escalated to the supervisor ({days} working days)"
    ),
    "handoff_escalates_at": Label("{at}까지 응답 없으면 슈퍼바이저 검토", "Escalates at {at} if unanswered"),
    "key_accept": Label("수락", "Accept"),
    "tip_accept": Label(
        "사례를 맡습니다 (담당, 할 일, 기한이 함께 옮겨짐)", "Take the case (owner, tasks, clocks move)"
    ),
    "key_decline": Label("거절", "Decline"),
    "tip_decline": Label(
        "사유와 함께 거절합니다 (사례는 담당자에게 남음)", "Decline with a reason (the case stays)"
    ),
    "key_return_question": Label("질문 반송", "Ask back"),
    "tip_return_question": Label("질문과 함께 보낸 사람에게 돌려보냅니다", "Send it back with a question"),
    "key_answer": Label("답변", "Answer"),
    "tip_answer": Label("질문에 답하고 다시 보냅니다", "Answer the question and send it again"),
    "key_cancel_handoff": Label("이관 취소", "Withdraw"),
    "tip_cancel_handoff": Label("이 이관 요청을 거둡니다", "Withdraw this hand-off"),
    "key_open_household": Label("가구 보기", "Household"),
    "tip_open_household": Label("이 가구의 상세 화면을 엽니다", "Open this household"),
    "handoff_accept_confirm": Label(
        "이 사례를 맡을까요? 담당과 진행 중인 할 일이 옮겨집니다.",
        "Take this case? Its ownership and open tasks move to you.",
    ),
    "handoff_accepted": Label("이관을 수락했습니다", "Hand-off accepted"),
    "handoff_decline_title": Label("이관 거절", "Decline the hand-off"),
    "handoff_return_title": Label("질문과 함께 반송", "Send back with a question"),
    "handoff_answer_title": Label("질문에 답변하고 다시 보내기", "Answer and send again"),
    "handoff_cancel_title": Label("이관 요청 취소", "Withdraw the hand-off"),
    "decline_reason": Label("거절 사유", "Why not"),
    "question": Label("질문", "Question"),
    "answer": Label("답변", "Answer"),
    "cancel_note": Label("취소 사유", "Why"),
    "key_sent_handoffs": Label("보낸 이관", "Sent hand-offs"),
    "tip_sent_handoffs": Label(
        "내가 보낸 이관 중 진행 중인 것 (질문 반송된 것 먼저)", "My open hand-offs (those asked back first)"
    ),
    "sent_handoffs_title": Label("내가 보낸 이관 · 질문 반송 먼저", "Hand-offs I sent · asked back first"),
    "no_sent_handoffs": Label("진행 중인 보낸 이관이 없습니다", "No hand-off of yours is open"),
    "cmd_handoff_request": Label("가구: 이관 요청", "household: hand off"),
    "cmd_handoff_request_help": Label(
        "다른 직원, 다른 동, 구청으로 사례를 넘깁니다", "To a worker, another dong or the gu"
    ),
    "cmd_handoff_accept": Label("이관: 수락", "hand-off: accept"),
    "cmd_handoff_decline": Label("이관: 거절", "hand-off: decline"),
    "cmd_handoff_return": Label("이관: 질문 반송", "hand-off: ask back"),
    "cmd_handoff_answer": Label("이관: 답변 후 재요청", "hand-off: answer"),
    "cmd_handoff_cancel": Label("이관: 취소", "hand-off: withdraw"),
    "case_event": Label("사례 기록", "Case step"),
    # supervisor queue (tui/screens/queue_screen.py)
    "key_queue": Label("검토 목록", "Queue"),
    "tip_queue": Label(
        "슈퍼바이저 검토 목록: 담당자별 사례, 기한 초과, 이관, 종결 승인",
        "Supervisor queue: caseloads, overdue, hand-offs, closures",
    ),
    "queue_supervisor_only": Label("검토 목록은 슈퍼바이저만 엽니다", "Only supervisors open the queue"),
    "queue_filters": Label("필터: {filters}", "Filters: {filters}"),
    "queue_no_filter": Label(
        "없음 (t 통 · w 담당 · g 태그 · l 수준)", "none (t tong · w worker · g tag · l level)"
    ),
    "queue_filter_tong": Label("{tong}통", "tong {tong}"),
    "queue_filter_worker": Label("담당 {name}", "worker {name}"),
    "queue_filter_tag": Label("태그 {tag}", "tag {tag}"),
    "queue_filter_level": Label("위기 {level}", "level {level}"),
    "queue_marked": Label("{n}가구 선택", "{n} marked"),
    "queue_caseload_line": Label(
        "가구 {households} 위기 {flags} 방문지연 {overdue} 할일 {tasks}/{late} 이관 {handoffs}",
        "{households} cases {flags} flags {overdue} late visits {tasks}/{late} tasks {handoffs} hand-offs",
    ),
    "queue_no_owner": Label("담당 없음", "no owner"),
    "queue_requested_on": Label("요청 {day}", "asked {day}"),
    "key_mark": Label("선택", "Mark"),
    "tip_mark": Label(
        "여러 가구를 한꺼번에 재배정하려면 표시합니다", "Mark households to reassign several at once"
    ),
    "key_reassign": Label("재배정", "Reassign"),
    "tip_reassign": Label(
        "선택한 가구(없으면 이 가구)를 다른 담당자에게 넘깁니다",
        "Give the marked cases (or this one) to a worker",
    ),
    "key_approve_closure": Label("종결 승인", "Approve"),
    "tip_approve_closure": Label("의견과 함께 종결을 승인합니다", "Approve the closure, with a comment"),
    "key_return_closure": Label("종결 반려", "Return"),
    "tip_return_closure": Label("의견과 함께 종결 요청을 돌려보냅니다", "Return the closure, with a comment"),
    "key_comment": Label("의견", "Comment"),
    "tip_comment": Label("이 사례에 의견을 남깁니다", "Comment on this case"),
    "key_filter_tong": Label("통", "Tong"),
    "tip_filter_tong": Label("통으로 거릅니다", "Filter by tong"),
    "key_filter_worker": Label("담당", "Worker"),
    "tip_filter_worker": Label("담당자로 거릅니다", "Filter by worker"),
    "key_filter_tag": Label("태그", "Tag"),
    "tip_filter_tag": Label("가구 태그로 거릅니다", "Filter by household tag"),
    "key_filter_level": Label("위기 수준", "Level"),
    "tip_filter_level": Label("위기 수준으로 거릅니다", "Filter by crisis level"),
    "key_clear_queue_filters": Label("필터 해제", "Clear filters"),
    "tip_clear_queue_filters": Label("검토 목록의 필터를 모두 지웁니다", "Clear every filter of the queue"),
    "tip_refresh_queue": Label("검토 목록을 다시 계산합니다", "Compute the queue again"),
    "tip_open_queue_item": Label(
        "가구, 이관을 열거나 담당자 줄에서 그 담당자로 거릅니다",
        "Open the household or hand-off; on a worker's line, filter by them",
    ),
    "queue_any": Label("전체", "All"),
    "queue_pick_worker": Label("누구에게 재배정할까요? ({n}가구)", "Reassign {n} case(s) to whom?"),
    "queue_pick_tong": Label("통 고르기", "Pick a tong"),
    "queue_pick_filter_worker": Label("담당자 고르기", "Pick a worker"),
    "queue_pick_tag": Label("태그 고르기", "Pick a tag"),
    "queue_pick_level": Label("위기 수준 고르기", "Pick a level"),
    "queue_reassigned": Label("{n}가구를 {name}에게 재배정했습니다", "{n} case(s) reassigned to {name}"),
    "queue_nothing_to_reassign": Label(
        "재배정할 가구가 없습니다 (가구 줄에서)", "No case to reassign (on a case line)"
    ),
    "closure_approve_title": Label("종결 승인 · {household}", "Approve the closure · {household}"),
    "closure_return_title": Label("종결 반려 · {household}", "Return the closure · {household}"),
    "comment_title": Label("사례 의견 · {household}", "Comment · {household}"),
    "comment": Label("의견", "Comment"),
    "cmd_queue_open": Label("업무: 슈퍼바이저 검토 목록", "work: supervisor queue"),
    "cmd_queue_open_help": Label(
        "담당자별 사례, 기한 초과, 이관, 종결 승인", "Caseloads, overdue, hand-offs, closures"
    ),
    # closure request (household screen)
    "key_request_closure": Label("종결 요청", "Ask to close"),
    "tip_request_closure": Label(
        "슈퍼바이저에게 사례 종결 승인을 요청합니다", "Ask a supervisor to close the case"
    ),
    "closure_request_title": Label("종결 승인 요청 · {household}", "Ask to close · {household}"),
    "closure_not_owner": Label(
        "사례 담당자나 슈퍼바이저만 종결을 요청합니다",
        "Only the case owner or a supervisor asks to close a case",
    ),
    "closure_reason": Label("종결 사유", "Why it closes"),
    "cmd_closure_request": Label("가구: 종결 요청", "household: ask to close"),
    "cmd_closure_request_help": Label("슈퍼바이저 승인 후 종결됩니다", "Closed once a supervisor approves"),
    # case conferences (tui/modals/conference_modal.py, decision_modal.py, tui/screens/conference_screen.py,
    # week_screen.py)
    "date_parsing": Label("날짜 형식이 아닙니다 (YYYY-MM-DD)", "Not a date (YYYY-MM-DD)"),
    "time_parsing": Label("시각 형식이 아닙니다 (HH:MM)", "Not a time (HH:MM)"),
    "conference_schedule_title": Label("사례회의 일정 잡기", "Schedule a case conference"),
    "conference_date": Label("날짜", "Date"),
    "conference_time": Label("시각", "Time"),
    "conference_place": Label("장소", "Place"),
    "conference_kind": Label("회의 종류", "Kind"),
    "conference_facilitator": Label("진행자", "Facilitator"),
    "conference_attendees": Label("참석 직원", "Staff attending"),
    "conference_outside": Label("외부 참석자", "From other agencies"),
    "conference_outside_hint": Label(
        "이름/기관/역할을 쉼표로 구분 (예: 이다영/동작구정신건강복지센터/위원)",
        "name/agency/role, comma separated (e.g. Lee Dayoung/Dongjak mental health centre/member)",
    ),
    "conference_agenda_pick": Label("안건 (추천)", "Agenda (suggested)"),
    "conference_title": Label("{kind} · {when}", "{kind} · {when}"),
    "conference_state": Label("상태", "State"),
    "conference_agenda": Label("안건", "Agenda"),
    "conference_minutes": Label("회의록", "Minutes"),
    "conference_no_agenda": Label("안건이 없습니다 (a 키로 추가)", "No households yet (a adds one)"),
    "conference_undecided": Label("결정 전", "undecided"),
    "conference_task": Label("할 일: {title} · {owner} · {due}까지", "Task: {title} · {owner} · due {due}"),
    "conference_sealed_by": Label("{at} {name} 확정", "Sealed {at} by {name}"),
    "conference_all_decided": Label(
        "모든 안건이 결정되었습니다. s 키로 회의록을 확정하세요.",
        "Every household is decided: s seals the minutes.",
    ),
    "conference_no_suggestions": Label("추천할 가구가 없습니다", "No household to suggest"),
    "conference_pick_household": Label("안건에 올릴 가구 (추천)", "Household to add (suggested)"),
    "conference_missing": Label("사례회의를 찾을 수 없습니다", "Conference not found"),
    "key_add_agenda": Label("안건 추가", "Add"),
    "tip_add_agenda": Label("추천 가구를 안건에 올립니다", "Put a suggested household on the agenda"),
    "key_meeting": Label("회의 진행", "Meeting"),
    "tip_meeting": Label(
        "회의를 시작하고 결정 전 안건을 차례로 결정합니다",
        "Start the meeting and walk the undecided households",
    ),
    "key_decide": Label("결정", "Decide"),
    "tip_decide": Label(
        "커서의 가구에 대한 결정과 후속 할 일을 기록합니다", "Record the decision for this household"
    ),
    "key_seal": Label("회의록 확정", "Seal"),
    "tip_seal": Label(
        "회의를 마치고 회의록을 확정합니다 (이후 수정은 개정)", "Close the meeting and seal the minutes"
    ),
    "seal_title": Label("회의록 확정", "Seal the minutes"),
    "seal_minutes": Label("회의록", "Minutes"),
    "decision_title": Label("결정 · {household}", "Decision · {household}"),
    "decision": Label("결정", "Decision"),
    "decision_reason": Label("안건 사유: {reason}", "On the agenda because: {reason}"),
    "follow_up_title": Label("후속 할 일", "Follow-up task"),
    "follow_up_owner": Label("담당", "Owner"),
    "follow_up_due": Label("기한", "Due"),
    "week_title": Label(
        "사례회의 주간 보기 · {start} ~ {end}", "Case conferences · week of {start} to {end}"
    ),
    "week_none": Label("회의 없음", "no conference"),
    "key_week": Label("사례회의", "Conferences"),
    "tip_week": Label("이번 주 사례회의를 봅니다", "This week's case conferences"),
    "key_previous_week": Label("지난주", "Previous week"),
    "tip_previous_week": Label("한 주 앞으로", "One week back"),
    "key_next_week": Label("다음 주", "Next week"),
    "tip_next_week": Label("한 주 뒤로", "One week on"),
    "key_this_week": Label("이번 주", "This week"),
    "tip_this_week": Label("오늘이 있는 주로", "Back to this week"),
    "key_schedule": Label("새 회의", "Schedule"),
    "tip_schedule": Label("사례회의 일정을 잡습니다", "Schedule a case conference"),
    "tip_open_conference": Label("이 회의를 엽니다", "Open this conference"),
    "cmd_week_open": Label("사례회의: 주간 보기", "conferences: week view"),
    "cmd_week_open_help": Label("이번 주 사례회의와 일정 잡기", "This week's conferences; schedule one"),
    "queue_more": Label(
        "외 {n}건 (t·w·g·l 필터로 좁히세요)", "{n} more (narrow with the t, w, g, l filters)"
    ),
    "conference_screen_name": Label("사례회의", "Case conference"),
    "week_screen_name": Label("사례회의 주간 보기", "Conferences of the week"),
    # -- end collaboration tui --
    # -- pausing deadline clocks (household screen `p`, tui/modals/clock_modal.py) --
    "key_clock_pause": Label("기한 정지/재개", "Pause/resume clock"),
    "tip_clock_pause": Label(
        "72시간 첫 방문·다음 방문·과제 기한을 사유와 함께 멈추거나 다시 시작합니다",
        "Stop a deadline clock (72-hour first visit, next visit, task) with a reason, or start it again",
    ),
    "cmd_clock_pause": Label("기한: 정지/재개", "clock: pause or resume"),
    "cmd_clock_pause_help": Label(
        "사유를 남기고 기한을 멈추거나 다시 시작합니다", "Stop a clock with a reason, or start it again"
    ),
    "clock_pick_title": Label("어느 기한을 멈추거나 다시 시작할까요?", "Which clock to pause or resume?"),
    "clock_do_pause": Label("정지", "Pause"),
    "clock_do_resume": Label("재개", "Resume"),
    "clock_due_day": Label("기한 {day}", "due {day}"),
    "clock_pause_title": Label("기한 일시정지 · {clock} · {household}", "Pause · {clock} · {household}"),
    "clock_resume_title": Label("기한 다시 시작 · {clock} · {household}", "Resume · {clock} · {household}"),
    "clock_pause_reason": Label("정지 사유", "Why it stops"),
    "clock_resume_note": Label("메모 (선택)", "Note (optional)"),
    "clock_now": Label("지금: {state}", "Now: {state}"),
    "clock_paused_by": Label("{at} {name} 일시정지: {reason}", "Paused {at} by {name}: {reason}"),
    "clock_none": Label("멈추거나 다시 시작할 기한이 없습니다", "No clock to pause or resume"),
    "clock_step_refused": Label("기한을 바꾸지 못했습니다: {reason}", "The clock did not change: {reason}"),
    "clock_step_paused": Label("기한 정지", "Clock paused"),
    "clock_step_resumed": Label("기한 재개", "Clock resumed"),
    # -- end pausing deadline clocks --
    # -- security --
    "auth_locked": Label(
        "로그인 실패가 5회 이상이라 30분간 잠겼습니다 (슈퍼바이저가 해제할 수 있습니다)",
        "Too many failed unlocks: locked for 30 minutes (a supervisor can lift it)",
    ),
    "auth_must_change": Label(
        "임시 비밀번호입니다. 새 비밀번호를 정해 주세요", "This is a one-time passphrase: choose your own"
    ),
    "new_passphrase": Label("새 비밀번호", "New passphrase"),
    "new_passphrase_again": Label("새 비밀번호 확인", "New passphrase again"),
    "passphrases_differ": Label("두 비밀번호가 다릅니다", "The passphrases differ"),
    "reveal_rrn": Label("주민등록번호 보기", "Show registration number"),
    "reveal_reason": Label("열람 사유 (접속기록에 남습니다)", "Why (kept in the access log)"),
    "reveal_forbidden": Label(
        "이 직무는 주민등록번호를 볼 수 없습니다", "This role may not see registration numbers"
    ),
    "idle_locked": Label(
        "자리 비움으로 잠겼습니다. 비밀번호를 입력하세요", "Locked while idle: enter your passphrase"
    ),
    "key_reveal": Label("주민번호", "RRN"),
    "tip_reveal": Label(
        "가구원의 주민등록번호를 사유를 남기고 이 화면에서만 봅니다",
        "Show a member's registration number on this screen, with a reason (logged)",
    ),
    "cmd_reveal_rrn": Label("가구: 주민등록번호 보기 (사유)", "household: show registration number"),
    "cmd_reveal_rrn_help": Label(
        "사유를 입력하면 접속기록에 남고 이 화면에서만 보입니다",
        "With a reason, kept in the access log; shown on this screen only",
    ),
    "reveal_title": Label("주민등록번호 보기 · {name}", "Show registration number · {name}"),
    "reveal_pick_member": Label("누구의 주민등록번호입니까?", "Whose registration number?"),
    "reveal_no_number": Label(
        "이 가구에는 주민등록번호가 등록된 가구원이 없습니다",
        "No member of this household has a registration number on record",
    ),
    "key_access_log": Label("접속기록", "Access log"),
    "tip_access_log": Label(
        "접속기록 무결성 검사와 사용자별 월간 점검 (슈퍼바이저)",
        "The access log's check and the monthly review per user (supervisors)",
    ),
    "cmd_access_log_open": Label("접속기록: 열기", "access log: open"),
    "cmd_access_log_open_help": Label(
        "무결성 검사, 사용자별 월간 점검, 사용자의 기록", "Chain check, monthly review per user, their events"
    ),
    "access_log_supervisor_only": Label(
        "접속기록은 슈퍼바이저만 봅니다", "Only supervisors read the access log"
    ),
    "access_log_checking": Label("접속기록 검사 중…", "Checking the access log…"),
    "access_log_ok": Label(
        "접속기록 검사: 이상 없음 (기기 {devices}대, 기록 {events}건)",
        "Access log check: no problem ({events} events on {devices} devices)",
    ),
    "access_log_bad": Label(
        "접속기록 검사: 문제 {n}건 (삭제·변조·순서 변경·잘림·위조)",
        "Access log check: {n} problem(s) (deleted, altered, reordered, truncated or forged events)",
    ),
    "access_log_check_failed": Label(
        "접속기록을 검사할 수 없습니다: {reason}", "Cannot check the log: {reason}"
    ),
    "access_log_title": Label(
        "접속기록 월간 점검 · {month} · [ ] 달 이동 · Enter 사용자의 기록",
        "Access log review · {month} · [ ] months · Enter: the user's events",
    ),
    "access_log_empty": Label("이 달의 기록이 없습니다", "No events this month"),
    "access_log_more": Label("외 {n}건 (chandong audit 명령으로 보세요)", "{n} more (see chandong audit)"),
    "access_events_title": Label(
        "{name} ({user}) · {month} 접속기록", "{name} ({user}) · access log of {month}"
    ),
    "log_loading": Label("읽는 중…", "Reading…"),
    "key_log_previous_month": Label("이전 달", "Previous month"),
    "tip_log_previous_month": Label("한 달 앞의 점검", "The month before"),
    "key_log_next_month": Label("다음 달", "Next month"),
    "tip_log_next_month": Label("한 달 뒤의 점검", "The month after"),
    "log_col_user": Label("사용자", "User"),
    "log_col_logins": Label("로그인", "Login"),
    "log_col_failures": Label("실패", "Fail"),
    "log_col_lockouts": Label("잠금", "Lock"),
    "log_col_views": Label("열람", "Views"),
    "log_col_bulk_view_days": Label("대량", "Bulk"),
    "log_col_night": Label("야간", "Night"),
    "log_col_exports": Label("반출", "Exp"),
    "log_col_unmasked_exports": Label("원문", "Unm"),
    "log_col_reveals": Label("주민", "RRN"),
    "idle_sign_in_again": Label(
        "이 로그인의 비밀번호가 재설정되었습니다. 다시 로그인하세요",
        "This login's passphrase was reset: sign in again",
    ),
    # -- end security --
    # -- case-work refusals (`casework.errors`): what a step refuses, in both languages --
    # not found
    "err_no_household": Label("가구 {household}을(를) 찾을 수 없습니다", "no household '{household}'"),
    "err_no_handoff": Label("이관 {handoff}을(를) 찾을 수 없습니다", "no hand-off '{handoff}'"),
    "err_no_conference": Label(
        "사례회의 {conference}을(를) 찾을 수 없습니다", "no conference '{conference}'"
    ),
    "err_no_flag": Label("위기가구 표시 {flag}을(를) 찾을 수 없습니다", "no crisis flag '{flag}'"),
    "err_no_worker": Label("직원 {worker}을(를) 찾을 수 없습니다", "no worker '{worker}'"),
    "err_no_active_worker": Label(
        "근무 중인 직원 {worker}을(를) 찾을 수 없습니다", "no active worker '{worker}'"
    ),
    "err_no_dong_record": Label("이 저장소에 동 정보가 없습니다", "the vault has no dong record"),
    "err_no_record": Label("기록 {record}을(를) 찾을 수 없습니다", "no {kind} '{record}'"),
    "err_no_pausable": Label(
        "ID {record}인 위기가구 표시, 가구, 할 일이 없습니다",
        "no crisis flag, household or task has the id '{record}'",
    ),
    "err_ambiguous_id": Label(
        "ID {record}이(가) 여러 기록을 가리킵니다 ({kinds})",
        "the id '{record}' names several records ({kinds})",
    ),
    "err_not_on_agenda": Label(
        "사례회의 {conference}의 안건에 없는 가구입니다: {households}",
        "not on the agenda of {conference}: {households}",
    ),
    # steps that do not fit the record's state now
    "err_household_closed": Label("가구 {household}은(는) 종결되었습니다", "household {household} is closed"),
    "err_household_not_closable": Label(
        "가구 {household}은(는) {status} 상태라 종결을 요청할 수 없습니다",
        "household {household} is {status}, its closure cannot be asked",
    ),
    "err_no_closure_awaits": Label(
        "가구 {household}은(는) {status} 상태입니다. 승인할 종결 요청이 없습니다",
        "household {household} is {status}, no closure awaits",
    ),
    "err_handoff_open": Label(
        "가구 {household}에 진행 중인 이관 {handoff}이(가) 있습니다",
        "household {household} already has hand-off {handoff} open",
    ),
    "err_already_owner": Label(
        "{worker}은(는) 이미 가구 {household}의 담당자입니다", "{worker} already owns household {household}"
    ),
    "err_owner_changed": Label(
        "이관 {handoff}을(를) 보낸 뒤 가구 {household}의 담당자가 바뀌었습니다. 이관을 취소하세요",
        "household {household} changed owner since hand-off {handoff} was sent; cancel it",
    ),
    "err_handoff_not_returned": Label(
        "이관 {handoff}은(는) {state} 상태입니다. 질문으로 반송된 이관이 아닙니다",
        "hand-off {handoff} is {state}, not returned with a question",
    ),
    "err_handoff_finished": Label(
        "이관 {handoff}은(는) 이미 {state} 상태입니다", "hand-off {handoff} is already {state}"
    ),
    "err_handoff_not_waiting": Label(
        "이관 {handoff}은(는) {state} 상태입니다. 답을 기다리는 이관이 아닙니다",
        "hand-off {handoff} is {state}, not waiting for an answer",
    ),
    "err_flag_resolved": Label(
        "위기가구 표시 {flag}은(는) 이미 해결되었습니다", "crisis flag '{flag}' is already resolved"
    ),
    "err_clock_already_paused": Label(
        "{record}의 기한은 이미 멈춰 있습니다", "the clock of {record} is already paused"
    ),
    "err_clock_not_paused": Label(
        "{record}의 기한은 멈춰 있지 않습니다", "the clock of {record} is not paused"
    ),
    "err_flag_clock_stopped": Label(
        "위기가구 표시 {flag}의 72시간 첫 방문 기한이 이미 끝났습니다",
        "crisis flag {flag} has no running first-visit clock",
    ),
    "err_task_not_open": Label("할 일 {task}은(는) {state} 상태입니다", "task {task} is {state}"),
    "err_already_on_agenda": Label(
        "가구 {household}은(는) 이미 사례회의 {conference}의 안건에 있습니다",
        "household {household} is already on the agenda of {conference}",
    ),
    "err_already_decided": Label(
        "가구 {household}은(는) 사례회의 {conference}에서 이미 결정되었습니다",
        "household {household} already has a decision in {conference}",
    ),
    "err_not_scheduled": Label(
        "사례회의 {conference}은(는) {state} 상태입니다. 예정된 회의가 아닙니다",
        "conference {conference} is {state}, not scheduled",
    ),
    "err_not_in_meeting": Label(
        "사례회의 {conference}은(는) {state} 상태입니다. 회의 진행 중이 아닙니다",
        "conference {conference} is {state}, not in meeting mode",
    ),
    "err_undecided": Label(
        "아직 결정되지 않은 가구가 있습니다: {households}. 결정하거나 안건에서 빼세요",
        "no decision yet for {households}: decide or take them off the agenda",
    ),
    "err_not_sealed": Label(
        "사례회의 {conference}의 회의록은 확정되지 않았습니다. 바로 고치세요",
        "conference {conference} is not sealed; edit it directly",
    ),
    "err_minutes_sealed": Label(
        "사례회의 {conference}의 회의록은 확정되었습니다. 정정으로 고치세요",
        "the minutes of {conference} are sealed; revise them instead",
    ),
    "err_conflict_gone": Label(
        "{conflict}: 해결할 충돌이 더 이상 없습니다", "{conflict}: no conflict to resolve any more"
    ),
    "err_conflict_value_unknown": Label(
        "{conflict}: {write}은(는) 이 충돌의 값이 아닙니다", "{conflict}: {write} is not one of its values"
    ),
    # what was given does not make a step
    "err_handoff_needs_dong": Label(
        "다른 동으로 이관하려면 그 동의 행정기관코드가 필요합니다",
        "a hand-off to another dong needs that dong's code",
    ),
    "err_no_members": Label(
        "가구에는 가구원이 한 명 이상 필요합니다", "a household needs at least one member"
    ),
    "err_member_invalid": Label(
        "가구원 {member}: 올바르지 않은 항목 {count}개", "member {member}: {count} invalid field(s)"
    ),
    # texts a step needs
    "err_handoff_needs_reason": Label("이관 사유를 입력하세요", "a hand-off needs a reason"),
    "err_decline_needs_reason": Label("거절 사유를 입력하세요", "declining needs a reason"),
    "err_return_needs_question": Label("반송하려면 질문을 입력하세요", "returning needs a question"),
    "err_answer_empty": Label("답변을 입력하세요", "an answer cannot be empty"),
    "err_closure_needs_reason": Label("종결 사유를 입력하세요", "say why the case closes"),
    "err_closure_needs_comment": Label(
        "종결 승인·반려에는 의견이 필요합니다", "a supervisor's decision on a closure needs a comment"
    ),
    "err_comment_empty": Label("의견을 입력하세요", "a comment cannot be empty"),
    "err_revision_needs_reason": Label(
        "확정된 회의록을 정정하려면 사유가 필요합니다", "a revision of sealed minutes needs a reason"
    ),
    "err_reveal_needs_reason": Label(
        "주민등록번호를 보려면 사유가 필요합니다 (기록됩니다)",
        "revealing a resident registration number needs a reason (it is logged)",
    ),
    "err_reveal_reason_too_long": Label(
        "사유가 너무 깁니다 (최대 {max}자)", "the reason is longer than {max} characters"
    ),
    # who may
    "err_kind_without_rule": Label(
        "기록 종류 {kind}에 대한 권한 규칙이 없습니다", "no permission rule for record kind '{kind}'"
    ),
    "err_may_not_read": Label("{role}은(는) {what}을(를) 볼 수 없습니다", "a {role} may not read {what}"),
    "err_may_not_change": Label(
        "{role}은(는) {what}을(를) 바꿀 수 없습니다", "a {role} may not change {what}"
    ),
    "err_health_for_nurses": Label(
        "건강 정보는 방문간호사와 복지슈퍼바이저만 기록합니다",
        "only visiting nurses and supervisors record health details",
    ),
    "err_rrn_not_for_role": Label(
        "이 역할은 주민등록번호를 볼 수 없습니다", "this role may not see resident registration numbers"
    ),
    "err_owner_hands_on": Label(
        "사례 담당자나 복지슈퍼바이저만 사례를 이관합니다",
        "only the case owner or a supervisor hands a case on",
    ),
    "err_owner_asks_closure": Label(
        "사례 담당자나 복지슈퍼바이저만 종결을 요청합니다",
        "only the case owner or a supervisor asks to close a case",
    ),
    "err_sender_changes": Label(
        "{sender} 또는 복지슈퍼바이저만 이관 {handoff}을(를) 바꿉니다",
        "only {sender} or a supervisor changes hand-off {handoff}",
    ),
    "err_handoff_addressed": Label(
        "이관 {handoff}은(는) {worker}에게 보낸 것입니다", "hand-off {handoff} is addressed to {worker}"
    ),
    "err_supervisor_answers_outside": Label(
        "다른 동이나 구청의 답은 복지슈퍼바이저가 기록합니다",
        "a supervisor records the answer of another dong or the gu",
    ),
    "err_facilitator_runs": Label(
        "진행자({facilitator})나 복지슈퍼바이저만 사례회의 {conference}을(를) 진행합니다",
        "only the facilitator ({facilitator}) or a supervisor runs {conference}",
    ),
    "err_organisers_schedule": Label(
        "사례회의는 사례관리 담당자와 복지슈퍼바이저가 잡습니다",
        "case managers and supervisors schedule case conferences",
    ),
    "err_supervisor_decides_closure": Label(
        "종결 승인·반려는 복지슈퍼바이저만 합니다", "only a supervisor approves or returns a closure"
    ),
    "err_supervisor_reassigns": Label(
        "담당자 재배정은 복지슈퍼바이저만 합니다", "only a supervisor reassigns cases"
    ),
    "err_supervisor_settings": Label(
        "기한 설정은 복지슈퍼바이저만 바꿉니다", "only a supervisor changes the vault's clock settings"
    ),
    "err_supervisor_unmasked_export": Label(
        "식별정보 원문 반출은 복지슈퍼바이저만 합니다", "only a supervisor can export unmasked identifiers"
    ),
    "err_supervisor_other_queues": Label(
        "다른 직원의 업무 목록은 복지슈퍼바이저만 봅니다", "only a supervisor sees other workers' queues"
    ),
    # -- end case-work refusals --
}


def t(key: str, lang: Lang | str = Lang.KO, **values: object) -> str:
    """The text for `key` in `lang`, with `{placeholders}` filled."""
    text = CATALOGUE[key](lang)
    return text.format(**values) if values else text


# -- command palette titles (tui/commands.py) ----------------------------------------------------
# An entry is titled by `cmd.<binding id>`, else `cmd.<action>`, else "<screen>: <key description>".
# Most reuse the texts the palette always had.
CATALOGUE.update(
    {
        "cmd.back": CATALOGUE["cmd_back"],
        "cmd.quit": CATALOGUE["cmd_quit"],
        "cmd.help": CATALOGUE["cmd_keys"],
        "cmd.show_dashboard": CATALOGUE["cmd_my_work"],
        "cmd.show_households": CATALOGUE["cmd_households_open"],
        "cmd.show_week": CATALOGUE["cmd_week_open"],
        "cmd.toggle_low_bandwidth": CATALOGUE["cmd_low_bandwidth"],
        "cmd.sync_now": CATALOGUE["cmd_sync_now"],
        "cmd.open_conflicts": CATALOGUE["cmd_sync_conflicts"],
        "cmd.open_queue": CATALOGUE["cmd_queue_open"],
        "cmd.open_access_log": CATALOGUE["cmd_access_log_open"],
        "cmd.open_report": CATALOGUE["cmd_report_open"],
        "cmd.sync_now.help": CATALOGUE["cmd_sync_now_help"],
        "cmd.open_conflicts.help": CATALOGUE["cmd_sync_conflicts_help"],
        "cmd.open_queue.help": CATALOGUE["cmd_queue_open_help"],
        "cmd.open_access_log.help": CATALOGUE["cmd_access_log_open_help"],
        "cmd.refresh_work": Label("업무: 새로고침", "work: refresh"),
        "cmd.dashboard.search": CATALOGUE["cmd_households_search"],
        "cmd.dashboard.sent_handoffs": Label("이관: 보낸 이관", "hand-off: sent hand-offs"),
        "cmd.households.search": CATALOGUE["cmd_households_search"],
        "cmd.households.register": CATALOGUE["cmd_household_register"],
        "cmd.households.mine": CATALOGUE["cmd_households_mine"],
        "cmd.households.tag": CATALOGUE["cmd_households_tag"],
        "cmd.households.tong": CATALOGUE["cmd_households_tong"],
        "cmd.households.open_flag": CATALOGUE["cmd_households_open_flag"],
        "cmd.households.clear_filters": CATALOGUE["cmd_households_clear"],
        "cmd.household_list.open": CATALOGUE["cmd_household_open"],
        "cmd.household.visit": CATALOGUE["cmd_visit_record"],
        "cmd.household.flag_raise": CATALOGUE["cmd_flag_raise"],
        "cmd.household.flag_update": CATALOGUE["cmd_flag_update"],
        "cmd.household.flag_resolve": CATALOGUE["cmd_flag_resolve"],
        "cmd.household.handoff": CATALOGUE["cmd_handoff_request"],
        "cmd.household.request_closure": CATALOGUE["cmd_closure_request"],
        "cmd.household.clock_pause": CATALOGUE["cmd_clock_pause"],
        "cmd.household.reveal": CATALOGUE["cmd_reveal_rrn"],
        "cmd.report.export": CATALOGUE["cmd_report_export"],
        "cmd.handoff.accept": CATALOGUE["cmd_handoff_accept"],
        "cmd.handoff.decline": CATALOGUE["cmd_handoff_decline"],
        "cmd.handoff.return": CATALOGUE["cmd_handoff_return"],
        "cmd.handoff.answer": CATALOGUE["cmd_handoff_answer"],
        "cmd.handoff.cancel": CATALOGUE["cmd_handoff_cancel"],
        "cmd.conflicts.keep": CATALOGUE["cmd_conflict_keep"],
    }
)
# -- end command palette titles --


# -- follow-up tasks (casework/tasks.py, the household screen's task keys) -------------------------
CATALOGUE.update(
    {
        "err_no_task": Label("할 일 {task}을(를) 찾을 수 없습니다", "no task '{task}'"),
        "err_task_not_allowed": Label(
            "할 일 {task}은(는) 사례 담당자, 담당 직원({assignee})이나 복지슈퍼바이저만 바꿉니다",
            "only the case owner, the assignee ({assignee}) or a supervisor changes task {task}",
        ),
        "err_task_add_not_allowed": Label(
            "가구 {household}의 할 일은 사례 담당자나 복지슈퍼바이저가 등록합니다 (본인에게는 누구나)",
            "only the case owner or a supervisor adds tasks to household {household} "
            "(anyone may add one for themselves)",
        ),
        "err_task_needs_reason": Label("취소하는 이유를 적으세요", "say why the task is cancelled"),
        "err_task_same_assignee": Label(
            "할 일 {task}은(는) 이미 {worker}의 일입니다", "task {task} is already {worker}'s"
        ),
        "err_task_due_both": Label(
            "기한은 날짜나 근무일 수 중 하나로만 정하세요",
            "give the due date or a number of working days, not both",
        ),
        "err_task_in_days": Label(
            "근무일 수는 0~{most} 사이여야 합니다 ({days})",
            "working days must be from 0 to {most} ({days})",
        ),
        "err_task_due_past": Label("기한 {due}은(는) 이미 지났습니다", "the due date {due} is already past"),
        "task_none": Label("할 일이 없습니다", "No tasks"),
        "key_task_add": Label("할 일", "Task"),
        "tip_task_add": Label(
            "이 가구의 할 일을 등록합니다 (제목, 담당 직원, 기한)",
            "Add a follow-up task for this household (title, assignee, due date)",
        ),
        "key_task_done": Label("완료", "Done"),
        "tip_task_done": Label(
            "진행 중인 할 일을 완료로 표시합니다 (메모)", "Mark an open task done (with a note)"
        ),
        "key_task_cancel": Label("할 일 취소", "Cancel task"),
        "tip_task_cancel": Label(
            "진행 중인 할 일을 취소합니다 (이유 필수)", "Cancel an open task (a reason is required)"
        ),
        "cmd.household.task_add": Label("할 일: 등록", "task: add"),
        "cmd.household.task_done": Label("할 일: 완료", "task: mark done"),
        "cmd.household.task_cancel": Label("할 일: 취소", "task: cancel"),
        "task_add_title": Label("할 일 등록 · {household}", "New task · {household}"),
        "task_title": Label("제목", "Title"),
        "task_assignee": Label("담당 직원", "Assignee"),
        "task_due_on": Label("기한 (YYYY-MM-DD)", "Due (YYYY-MM-DD)"),
        "task_done_title": Label("할 일 완료 · {task}", "Task done · {task}"),
        "task_done_note": Label("메모 (선택)", "Note (optional)"),
        "task_cancel_title": Label("할 일 취소 · {task}", "Cancel task · {task}"),
        "task_cancel_reason": Label("취소 이유", "Why it is cancelled"),
        "task_pick_title": Label("어느 할 일입니까?", "Which task?"),
        "task_not_allowed": Label(
            "사례 담당자, 할 일 담당 직원이나 복지슈퍼바이저만 바꿉니다",
            "Only the case owner, the task's assignee or a supervisor changes it",
        ),
    }
)


# -- first unlock, locked logins, the demo's hint (tui/screens/unlock_screen.py) -----------------
CATALOGUE.update(
    {
        "first_unlock_title": Label("비밀번호 정하기 · {user}", "Choose your passphrase · {user}"),
        "first_unlock_intro": Label(
            "임시 비밀번호로 들어왔습니다. 앞으로 쓸 비밀번호를 두 번 입력하세요 (Esc: 로그인으로)",
            "That was a one-time passphrase: type your own twice (Esc: back to the login)",
        ),
        "first_unlock_policy": Label(
            "규칙: {min}자 이상, 두 종류 이상의 문자 (영문 소문자·대문자·숫자·한글·기호·공백), "
            "로그인 ID를 넣지 않고 임시 비밀번호와 다르게",
            "Rule: {min}+ characters of two kinds or more (lower case, upper case, digits, 한글, "
            "symbols, spaces), without the login, not the one-time passphrase",
        ),
        "first_unlock_too_short": Label("{min}자 이상이어야 합니다", "At least {min} characters"),
        "first_unlock_one_kind": Label(
            "두 종류 이상의 문자를 섞어야 합니다 (영문·숫자·한글·기호 등)",
            "Mix two kinds of characters or more (letters, digits, 한글, symbols…)",
        ),
        "first_unlock_has_login": Label("로그인 ID를 넣을 수 없습니다", "It must not contain the login"),
        "first_unlock_same": Label(
            "임시 비밀번호와 달라야 합니다", "It must differ from the one-time passphrase"
        ),
        "first_unlock_refused": Label("쓸 수 없는 비밀번호입니다: {reason}", "Not accepted: {reason}"),
        "first_unlock_saving": Label("비밀번호를 바꾸고 여는 중…", "Changing the passphrase and unlocking…"),
        "login_locked_until": Label(
            "로그인 실패가 {n}회 이어져 {until}(한국 시간)까지 잠겼습니다. 슈퍼바이저가 먼저 풀 수 있습니다",
            "Locked after {n} failed unlocks until {until} (Korean time); a supervisor can lift it sooner",
        ),
        "login_locked_admin": Label(
            "로그인 실패가 이어져 잠겼습니다. 슈퍼바이저가 풀어야 합니다 (chandong user reset)",
            "Locked after failed unlocks: a supervisor must lift it (chandong user reset)",
        ),
        "demo_hint": Label(
            "데모 사용자: {users} · 비밀번호 {passphrase}", "Demo users: {users} · passphrase {passphrase}"
        ),
    }
)
# -- end first unlock --

# -- dates that do not exist (model/fields.py `read_day`, the visit form's confirm step) -------------
CATALOGUE.update(
    {
        "date_not_real": Label("{day}{particle} 없는 날짜입니다", "{day} is not a date"),
        "visit_confirm_before_registration": Label(
            "방문일 {day}은(는) 가구 등록일 {registered} 이전입니다.",
            "The visit date {day} is before the household was registered ({registered}).",
        ),
        "visit_confirm_in_future": Label(
            "방문일 {day}은(는) 오늘({today}) 이후입니다.",
            "The visit date {day} is after today ({today}).",
        ),
        "visit_confirm_save": Label("이 날짜로 저장할까요?", "Save it with this date?"),
    }
)
# -- end dates that do not exist --

# -- correct and update (issue 15 item 1: casework/corrections.py, the household screen's e i m s w) --
CATALOGUE.update(
    {
        "err_visit_empty": Label(
            "빈 방문 기록은 저장할 수 없습니다: 발견 욕구, 연계 자원, 메모 중 하나를 입력하세요",
            "An empty visit cannot be saved: enter needs found, a resource or a note",
        ),
        "err_flag_already_open": Label(
            "이 가구에는 이미 진행중인 위기 플래그가 있습니다",
            "This household already has an open crisis flag",
        ),
        "err_correction_fields": Label(
            "여기서 바꿀 수 없는 항목입니다: {fields}", "These fields cannot be changed here: {fields}"
        ),
        "err_correction_not_allowed": Label(
            "이 역할로는 할 수 없는 수정입니다: {what}", "Your role may not make this correction: {what}"
        ),
        "err_no_visit": Label("방문 기록 {visit}이(가) 없습니다", "No visit {visit}"),
        "err_status_not_here": Label(
            "{status}에서 {to}(으)로는 여기서 바꿀 수 없습니다 (종결은 승인 절차로)",
            "Cannot change {status} to {to} here (closing goes through approval)",
        ),
        "err_correction_needs_reason": Label("사유를 입력하세요", "Give a reason"),
        "err_identity_needs_reason": Label(
            "이름·생년월일·주민번호 정정에는 사유가 필요합니다",
            "Correcting a name, birth date or registration number needs a reason",
        ),
        "err_revision_needs_reason": Label(
            "방문 기록 수정·철회에는 사유가 필요합니다", "Amending or withdrawing a visit needs a reason"
        ),
        "err_head_not_member": Label(
            "현재 이 가구의 가구원이 아닙니다: {member}", "Not a current member of this household: {member}"
        ),
        "err_nothing_changed": Label("바뀐 내용이 없습니다", "Nothing was changed"),
        "err_member_already_left": Label(
            "{member} 님은 이미 전출·사망 처리되었습니다", "{member} has already left the household"
        ),
        "err_visit_withdrawn": Label(
            "철회된(잘못 입력) 방문 기록입니다", "This visit was withdrawn (entered in error)"
        ),
        "member_left_both": Label(
            "전출·사망은 날짜와 사유를 함께 입력합니다", "Moving out or death needs both the date and which"
        ),
        "member_left_before_birth": Label(
            "전출·사망일이 생년월일보다 앞섭니다", "The date is before the birth date"
        ),
        "found_at_format": Label(
            "발견 일시 형식이 아닙니다 (YYYY-MM-DD HH:MM)", "Not a time (YYYY-MM-DD HH:MM)"
        ),
        "flag_found_how": Label("발견 경로", "Found how"),
        "flag_found_at": Label("발견 일시", "Found at"),
        "key_corr_edit": Label("가구 수정", "Edit household"),
        "tip_corr_edit": Label(
            "주소·통/반·태그·전화·동의·가구주·상태를 수정합니다",
            "Correct the address, 통/반, tags, phone, consent, head or status",
        ),
        "key_corr_add_member": Label("가구원 추가", "Add member"),
        "tip_corr_add_member": Label("가구원(예: 출생아)을 추가합니다", "Add a member (e.g. a newborn)"),
        "key_corr_member": Label("가구원 수정", "Correct member"),
        "tip_corr_member": Label(
            "가구원 정보 정정, 전출·사망 처리", "Correct a member, or mark them moved out or deceased"
        ),
        "key_corr_amend": Label("방문 수정", "Amend visit"),
        "tip_corr_amend": Label(
            "방문 기록을 사유와 함께 새 판으로 수정합니다", "Amend a visit: a new revision, with the reason"
        ),
        "key_corr_withdraw": Label("방문 철회", "Withdraw visit"),
        "tip_corr_withdraw": Label(
            "잘못 입력한 방문 기록을 사유와 함께 철회합니다 (기록은 남음)",
            "Withdraw a visit entered in error, with the reason (it stays in the history)",
        ),
        "corr_withdrawn": Label("잘못 입력", "Entered in error"),
        "corr_amended": Label("수정됨", "Amended"),
        "corr_flag_update_open": Label("진행중인 플래그를 수정", "Update the open flag"),
        "corr_flag_raise_new": Label("새 플래그를 따로 등록", "Raise a second flag anyway"),
        "corr_pick_member": Label("어느 가구원을 수정할까요?", "Which member?"),
        "corr_pick_visit": Label("어느 방문 기록인가요?", "Which visit?"),
        "corr_no_visit": Label("수정할 방문 기록이 없습니다", "No visit to change"),
        "corr_household_title": Label("가구 정보 수정 · {household}", "Correct household · {household}"),
        "corr_member_title": Label("가구원 수정 · {member}", "Correct member · {member}"),
        "corr_member_add_title": Label("가구원 추가 · {member}", "Add a member · {member}"),
        "corr_visit_title": Label("방문 기록 수정 · {household}", "Amend visit · {household}"),
        "corr_withdraw_title": Label("방문 기록 철회 · {visit}", "Withdraw visit · {visit}"),
        "corr_withdraw_intro": Label(
            "잘못 입력한 기록은 통계에서 빠지고 이력에는 남습니다.",
            "A visit entered in error leaves the reports and stays in the history.",
        ),
        "corr_head": Label("가구주", "Head"),
        "corr_consent_by": Label("동의 받은 직원", "Consent taken by"),
        "corr_status_reason": Label("상태 변경 사유", "Why the status"),
        "corr_comma": Label("쉼표로 구분", "comma-separated"),
        "corr_left_how": Label("전출·사망", "Left"),
        "corr_still_member": Label("현재 가구원", "Still a member"),
        "corr_left_on": Label("전출·사망일", "Left on"),
        "corr_reason": Label("사유", "Reason"),
        "corr_reason_hint": Label(
            "이름·생년월일·주민번호 정정 시 필수", "Required for a name, birth date or number"
        ),
        "corr_resources": Label("연계 자원", "Resources"),
        "corr_withdrawn_field": Label("철회", "Withdrawn"),
        "conflict_kind_member": Label("가구원", "Member"),
        "found_after_raised": Label(
            "발견 일시는 등록 시각보다 늦을 수 없습니다", "The crisis cannot be found after it was flagged"
        ),
    }
)
# -- end correct and update --
# -- follow up and read back (issue 15 items 2 and 4: casework/links.py, cli_links.py, cli_show.py,
# tui/modals/visit_detail_modal.py, tui/modals/link_modal.py, the household screen's new sections) --
CATALOGUE.update(
    {
        "err_no_link": Label("연계 {link}을(를) 찾을 수 없습니다", "no link '{link}'"),
        "err_link_outcome_unknown": Label(
            "처리결과 {outcome}은(는) 고를 수 없습니다 (제공, 진행중, 중단, 거절, 연계불가)",
            "{outcome} is not an outcome to set (provided, in_progress, stopped, refused, unavailable)",
        ),
        "err_link_not_allowed": Label(
            "연계 {link}의 처리결과는 연계한 직원, 사례 담당자나 복지슈퍼바이저만 바꿉니다",
            "only the worker who linked it, the case owner or a supervisor updates link {link}",
        ),
        "key_link_outcome": Label("처리결과", "Outcome"),
        "tip_link_outcome": Label(
            "연계한 자원·서비스의 처리결과를 적습니다", "Record the outcome of a resource or service linked"
        ),
        "key_visit_detail": Label("방문 보기", "Visit"),
        "tip_visit_detail": Label("방문 기록 하나를 모두 봅니다", "Read one visit whole"),
        "key_my_links": Label("연계 결과", "Links"),
        "tip_my_links": Label(
            "처리결과를 기다리는 내 자원연계를 보고 결과를 적습니다",
            "My links awaiting an outcome: pick one to record its outcome",
        ),
        "section_links": Label("처리결과 대기 연계", "Links awaiting an outcome"),
        "section_links_check": Label("처리결과 확인 필요", "Link outcomes to check"),
        "link_check_needed": Label("처리결과 확인 필요", "outcome to check"),
        "link_none_awaiting": Label("처리결과를 기다리는 연계가 없습니다", "No link awaits an outcome"),
        "link_step": Label("처리결과", "Link outcome"),
        "link_outcome_title": Label("처리결과 · {link}", "Outcome · {link}"),
        "link_outcome": Label("처리결과", "Outcome"),
        "link_note": Label("메모", "Note"),
        "link_pick_title": Label("어느 연계인가요?", "Which link?"),
        "link_waiting_days": Label("{days}일째", "{days} days"),
        "visit_pick_title": Label("어느 방문 기록을 볼까요?", "Which visit?"),
        "visit_detail_title": Label("방문 기록", "Visit"),
        "visit_missing": Label("방문 기록 {visit}을(를) 찾을 수 없습니다", "No visit '{visit}'"),
        "detail_worker": Label("기록한 직원", "Recorded by"),
        "detail_resources": Label("자원연계", "Resources linked"),
        "detail_health": Label("건강 측정", "Health measures"),
        "detail_blood_pressure": Label("혈압 {value} mmHg", "Blood pressure {value} mmHg"),
        "detail_glucose": Label("혈당 {value} mg/dL", "Glucose {value} mg/dL"),
        "detail_weight": Label("체중 {value} kg", "Weight {value} kg"),
        "detail_revisions": Label("수정 이력", "Revisions"),
        "detail_revises": Label("{day} 기록 {visit}을(를) 고친 기록입니다", "Corrects {visit} of {day}"),
        "detail_revised_by": Label(
            "{day} 기록 {visit}이(가) 이 기록을 고쳤습니다", "Corrected by {visit} of {day}"
        ),
    }
)
# -- end follow up and read back --
# -- the footer's last key when not every key fits (tui/widgets/footer.py) ---------------------------
CATALOGUE.update(
    {
        "footer_more": Label("더보기", "more"),
    }
)
# -- end footer --

# -- Textual's own texts (tui/textual_texts.py) -------------------------------------------------------
CATALOGUE.update(
    {
        "textual_dismiss_menu": Label("목록 닫기", "Close the list"),
        "textual_show_menu": Label("목록 열기", "Open the list"),
        "textual_exit_palette": Label("명령 닫기", "Close commands"),
        "textual_search_commands": Label("명령 찾기…", "Search for commands…"),
    }
)
# -- end Textual's own texts --

# -- a crash of the terminal UI (tui/crash.py) ----------------------------------------------------------
CATALOGUE.update(
    {
        "crash_line": Label(
            "예기치 않은 오류로 프로그램을 닫았습니다. 저장된 내용은 남아 있습니다. 오류 기록: {path}",
            "chandong stopped on an unexpected error. What was saved is kept. Error report: {path}",
        ),
        "crash_no_report": Label(
            "예기치 않은 오류로 프로그램을 닫았습니다. 저장된 내용은 남아 있습니다",
            "chandong stopped on an unexpected error. What was saved is kept",
        ),
    }
)
# -- end crash --
# -- duplicates, closure, rhythm, task reassignment (issue 15 item 5) -----------------------------
CATALOGUE.update(
    {
        "key_task_reassign": Label("담당 변경", "Reassign"),
        "tip_task_reassign": Label(
            "진행 중인 할 일을 다른 직원에게 넘깁니다 (기한은 그대로)",
            "Give an open task to another worker (its due date stays)",
        ),
        "cmd.household.task_reassign": Label("할 일: 담당 변경", "task: reassign"),
        "task_reassign_title": Label("할 일 담당 변경 · {task}", "Reassign task · {task}"),
        "task_new_assignee": Label("새 담당 직원", "New assignee"),
        "conflict_kind_task": Label("할 일", "Task"),
        "next_visit_both": Label(
            "다음 방문일과 '다음 방문 없음'을 함께 정할 수 없습니다",
            "give a next visit date or 'no next visit', not both",
        ),
        "next_visit_choose": Label(
            "다음 방문일을 넣거나 '다음 방문 없음'을 고르고 이유를 적으세요",
            "give the next visit date, or tick 'no next visit' and say why",
        ),
        "no_next_visit": Label("다음 방문 없음", "No next visit"),
        "no_next_visit_tick": Label("예", "Yes"),
        "no_next_visit_reason": Label("방문 안 하는 이유", "Why no next visit"),
        "no_next_visit_shown": Label("다음 방문 없음: {reason}", "no next visit: {reason}"),
        "err_owner_reopens": Label(
            "사례 담당자나 복지슈퍼바이저만 종결된 사례를 재개합니다",
            "only the case owner or a supervisor reopens a closed case",
        ),
        "err_household_not_closed": Label(
            "가구 {household}은(는) 종결된 사례가 아닙니다 ({status})",
            "household {household} is not closed ({status})",
        ),
        "err_reopen_needs_reason": Label("재개하는 이유를 적으세요", "say why the case is reopened"),
        "err_likely_duplicate": Label(
            "이미 등록된 가구와 비슷합니다 ({households}): 기존 가구를 열거나 이유를 적고 등록하세요",
            "looks like {n} household(s) already registered ({households}): open one, "
            "or give a reason to register anyway",
        ),
        "dup_same_head": Label("가구주 이름·생년월일 같음", "same head's name and birth date"),
        "dup_same_address": Label("주소·상세주소 같음", "same address and detail"),
        "dup_same_phone": Label("전화번호 같음", "same phone"),
        "dup_title": Label(
            "비슷한 가구가 이미 있습니다. 기존 가구를 열까요?",
            "A similar household is already registered. Open it?",
        ),
        "dup_register_anyway": Label("그래도 새로 등록 (이유 필요)", "Register anyway (with a reason)"),
        "dup_reason_title": Label("중복 의심 가구 등록", "Register despite a likely duplicate"),
        "dup_reason": Label("새로 등록하는 이유", "Why register it anyway"),
        "closure_open_items": Label(
            "종결 전에 확인하세요. 아직 열려 있는 항목:", "Before closing, still open on this case:"
        ),
        "closure_nothing_open": Label(
            "열린 할 일, 위기가구, 사례 이관이 없습니다", "No open tasks, crisis flags or hand-offs"
        ),
        "closure_item_task": Label("· 할 일 {due} · {title} · {who}", "· task {due} · {title} · {who}"),
        "closure_item_flag": Label("· 위기가구 {level} · {reasons}", "· crisis flag {level} · {reasons}"),
        "closure_item_handoff": Label(
            "· 사례 이관 {state} · {reason} (먼저 처리해야 합니다)",
            "· hand-off {state} · {reason} (to be settled first)",
        ),
        "closure_note": Label("메모 (기타 필수)", "Note (if Other)"),
        "key_reopen": Label("재개", "Reopen"),
        "tip_reopen": Label("종결된 사례를 이유와 함께 다시 엽니다", "Open a closed case again, saying why"),
        "cmd.household.reopen": Label("가구: 사례 재개", "household: reopen the case"),
        "reopen_title": Label("사례 재개 · {household}", "Reopen the case · {household}"),
        "reopen_reason": Label("재개 이유", "Why it reopens"),
        "reopen_not_owner": Label(
            "사례 담당자나 슈퍼바이저만 사례를 재개합니다",
            "Only the case owner or a supervisor reopens a case",
        ),
    }
)
# -- end duplicates, closure, rhythm, task reassignment --
# -- authenticated writers (issue 16: the access log shows each event's signer) ----------------------
CATALOGUE.update(
    {
        "access_signed_by": Label("서명: {user}", "signed by {user}"),
        "access_claimed": Label("입력된 로그인: {login}", "login typed: {login}"),
    }
)
# -- end authenticated writers --
# -- membership history (vault/members.py: first open, pinned history, upgrade) ------------------
CATALOGUE.update(
    {
        "members_first_open": Label(
            "이 PC에서 처음 여는 금고입니다. "
            "지문 {fingerprint}이(가) 슈퍼바이저에게 받은 것과 같은지 확인하세요",
            "This PC has not opened this vault before: check that its fingerprint {fingerprint} is the "
            "one your supervisor gave you",
        ),
        "members_first_open_question": Label(
            "이 PC에서 처음 여는 금고입니다.\n지문: {fingerprint}\n슈퍼바이저가 알려 준 지문과 같습니까?",
            "This PC has not opened this vault before.\nFingerprint: {fingerprint}\n"
            "Is it the one your supervisor gave you?",
        ),
        "members_not_confirmed": Label(
            "지문을 확인하지 않아 금고를 열지 않았습니다", "The fingerprint was not confirmed: nothing opened"
        ),
        "members_older": Label(
            "이 폴더의 구성원 기록이 이 PC가 본 것보다 오래되었습니다 "
            "({seen}개 중 {have}개: 복원·되돌림 또는 동기화 중)",
            "This folder holds an older membership than this PC has seen (entry {have} of {seen}: "
            "restored, rolled back or still syncing)",
        ),
        "members_forked_pin": Label(
            "이 폴더의 구성원 기록이 이 PC가 본 것과 {seq}번 항목에서 다릅니다",
            "This folder's membership differs from what this PC has seen at entry {seq}",
        ),
        "members_forked": Label(
            "구성원 기록이 {seq}번 항목에서 갈라졌습니다 (두 슈퍼바이저가 동시에 바꿈?)",
            "The membership history is forked at entry {seq} (two supervisors changed it at once?)",
        ),
        "members_replaced": Label(
            "이 폴더의 금고가 이 PC가 아는 금고와 다릅니다 (VAULT.json 또는 구성원 기록이 바뀜)",
            "This folder's vault is not the one this PC knows (VAULT.json or the membership was replaced)",
        ),
        "members_keys_older": Label(
            "이 폴더에 있는 사용자 키 기록이 이 PC가 본 것보다 오래되었습니다 (복원되었거나 동기화 중)",
            "This folder holds an older key of a member than this PC has seen (restored, or still syncing)",
        ),
        "members_missing": Label(
            "이 폴더에 구성원 기록이 없습니다 (삭제되었거나 아직 동기화 중)",
            "This folder has no membership history (deleted, or still syncing)",
        ),
        "members_no_genesis": Label(
            "구성원 기록의 첫 항목이 올바르지 않습니다", "The membership history has no valid first entry"
        ),
        "members_not_upgraded": Label(
            "이전 형식의 금고입니다. 슈퍼바이저가 한 번 업그레이드해야 합니다 (chandong upgrade)",
            "This vault is in the old format: a supervisor must upgrade it once (chandong upgrade)",
        ),
    }
)
# -- end membership history --

# -- conferences (issue 19): any household on the agenda, sealing confirmed, minutes printed --
CATALOGUE.update(
    {
        "minutes_title": Label("사례회의 회의록", "Case conference minutes"),
        "minutes_when": Label("일시", "When"),
        "minutes_facilitator": Label("진행", "Facilitator"),
        "minutes_staff": Label("참석 직원", "Staff attending"),
        "minutes_outside": Label("외부 참석자", "Outside attendees"),
        "minutes_note": Label("의견", "Note"),
        "minutes_task": Label("후속 업무", "Follow-up"),
        "minutes_sealed": Label("확정", "Sealed"),
        "minutes_revision": Label("수정 사유", "Reason for the addendum"),
        "agenda_search_title": Label(
            "안건에 가구 추가 · {conference}", "Add a household to the agenda · {conference}"
        ),
        "agenda_search_hint": Label(
            "이름, 주소, 통-반(3-2), 초성(ㄱㅊㅅ)으로 찾기 · ↓ 목록 · Enter 추가",
            "Find by name, address, tong-ban (3-2), initials · ↓ list · Enter adds",
        ),
        "key_find_household": Label("가구 찾기", "Find"),
        "tip_find_household": Label(
            "추천 밖의 가구도 찾아 안건에 올립니다", "Find any household and put it on the agenda"
        ),
        "key_remove_agenda": Label("안건 빼기", "Remove"),
        "tip_remove_agenda": Label(
            "회의 전에 커서의 가구를 안건에서 뺍니다", "Take the household under the cursor off the agenda"
        ),
        "key_move_up": Label("위로", "Move up"),
        "tip_move_up": Label("커서의 가구를 안건에서 한 칸 올립니다", "Move the household up the agenda"),
        "key_move_down": Label("아래로", "Move down"),
        "tip_move_down": Label("커서의 가구를 안건에서 한 칸 내립니다", "Move the household down the agenda"),
        "key_read_minutes": Label("회의록 보기", "Minutes"),
        "tip_read_minutes": Label("확정된 회의록 전문을 봅니다", "Read the sealed minutes in full"),
        "tip_close_minutes": Label("회의록을 닫습니다", "Close the minutes"),
        "key_addendum": Label("추가 기록", "Addendum"),
        "tip_addendum": Label(
            "확정된 회의록을 사유와 함께 고칩니다 (원본은 남습니다)",
            "Correct sealed minutes with a reason (the sealed record is kept)",
        ),
        "addendum_title": Label("회의록 추가 기록", "Addendum to the minutes"),
        "addendum_reason": Label("수정 사유", "Reason"),
        "seal_confirm": Label(
            "회의록을 확정할까요? 확정한 뒤에는 사유를 적은 추가 기록으로만 고칠 수 있습니다 (y/n)",
            "Seal the minutes? Once sealed they change only by an addendum with a reason (y/n)",
        ),
    }
)
# -- end conference minutes --
