"""Every finding code: its severity, a title and the usual fix, in one registry.

A finding carries its code as a string (stable: scripts read `--format json`); this registry
says what each means. docs/codes.md is generated from it (`python3 scripts/build_codes_doc.py`)
and tests/test_codes.py fails on a code the package emits that is not registered here, or a
docs/codes.md that is not current.

To add a code: add an entry to CODES below (severity, title, hint; a `kind` when code elsewhere
must recognise it), run `python3 scripts/build_codes_doc.py`, and commit both.

`kind` groups codes that the package treats alike (`is_kind`), instead of reading the meaning
back from the spelling of a code:
- "missing": a value, sheet or column the framework should hold is absent (the quality rules
  do not report a cell again as missing when an earlier check rejected its value);
- "unknown": a value outside a fixed list of choices;
- "duplicate": a row repeating an earlier row's key (`schema.schemas.UNIQUE_KEYS`);
- "range": a number outside its allowed range.
"""

from __future__ import annotations

from dataclasses import dataclass

from ladder_sheets.findings import Severity
from ladder_sheets.model import SCALE, SCALE_TEXT

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class Code:
    severity: Severity  # as usually reported; `also` when one rule reports it at another
    title: str
    hint: str
    kind: str = ""
    area: str = ""  # where it is checked: workbook, settings, values, references, ...
    also: Severity | None = None


def _codes(area: str, **entries: Code) -> dict[str, Code]:
    return {
        name.replace("_", "-"): Code(c.severity, c.title, c.hint, c.kind, area, c.also)
        for name, c in entries.items()
    }


CODES: dict[str, Code] = {
    # Reading the framework workbook: sheets, header rows, columns.
    **_codes(
        "workbook",
        missing_sheet=Code(
            E,
            "A framework sheet is not in the workbook (info for optional ones).",
            "Name the sheet as the template does, or map it in the 'Ladder Settings' sheet.",
            "missing",
            also=INFO,
        ),
        missing_header=Code(
            E,
            "No header row for a table was found on its sheet (warning for optional tables).",
            "Put the template's column names in one row above the data, or map them.",
            "missing",
            also=W,
        ),
        missing_column=Code(
            E,
            "A column of the template is not on the sheet (warning for optional columns).",
            "Rename the header as the template spells it, or map it in the settings.",
            "missing",
            also=W,
        ),
        missing_level_columns=Code(
            E,
            "A wide sheet (Matrix, Behaviors) has no level-code columns.",
            "Write the level codes of the Levels sheet as column headers.",
            "missing",
        ),
        unmapped_level_column=Code(
            W,
            "A column looks like a level but is not on the Levels sheet.",
            "Add the level to the Levels sheet or correct the header.",
        ),
        ignored_sheet=Code(
            INFO,
            "A sheet is not part of the framework and was not read.",
            "Rename it or map it in the settings if it holds a framework table.",
        ),
        also_read_sheet=Code(
            INFO,
            "A sheet read as a table too, by its name, beside the sheets the mapping names.",
            "Name it in the mapping's sheets, or rename it, if it is not one.",
        ),
        ambiguous_column=Code(
            E,
            "Two columns could be the same column of a table; neither was read (warning for "
            "optional columns).",
            "Rename one of them, or say which in a mapping file (ladder-sheets inspect).",
            also=W,
        ),
        uncertain_column=Code(
            W,
            "A column was read as a table's column though its header says little of it.",
            "If that is right, rename it as the template does or map it (ladder-sheets inspect).",
        ),
        unit_converted=Code(
            INFO,
            "Time in level given in another unit (months, years) and read as quarters.",
            "Write quarters under 'Min Quarters In Level', or set the unit in the mapping.",
        ),
        family_abbreviation=Code(
            INFO,
            "A Job Family read as the one family it abbreviates.",
            "Write the family as the Levels sheet does to avoid the guess.",
        ),
        family_all=Code(
            INFO,
            "A Job Family such as 'All' read as every family.",
            "Nothing to do if every family is meant.",
        ),
        family_from_sheet_name=Code(
            INFO,
            "A sheet read as one family's, because its name says so.",
            "If not, name the family in the mapping ([<table>.families]).",
        ),
        ambiguous_manager=Code(
            E,
            "A manager given by a name two people share.",
            "Write the manager's Employee ID or e-mail instead of the name.",
        ),
        duplicate_sheet_name=Code(
            E,
            "Two sheets whose names differ only in capitals: Excel refuses the workbook.",
            "Rename one of the two sheets.",
        ),
        second_candidate_sheet=Code(
            W,
            "Two sheets hold the same table (the same columns); only the first was read.",
            "Name the current one in a mapping, or rename or delete the stale one.",
        ),
        manager_keys_resolved=Code(
            INFO,
            "Managers given by e-mail or name were read as Employee IDs.",
            "Nothing to do; write Employee IDs to avoid the lookup.",
        ),
        expectation_words_read=Code(
            INFO,
            "Matrix cells in words ('3 - Proficient', 'n/a') were read as numbers or blank.",
            "Nothing to do; check the example the message gives.",
        ),
        expectation_words=Code(
            E,
            "Matrix cells hold words without a number ('Proficient'): which number is each?",
            "Write the numbers, or give each word its number ([expectations.labels] in a mapping).",
        ),
        totals_row_skipped=Code(
            INFO,
            "A row below a table labelled 'Total', 'Average' or the like was not read as data.",
            "Nothing to do; move it away from the table if it is a record.",
        ),
        level_column_twin=Code(
            W,
            "Two Matrix columns name one level; the one headed by the level alone is read.",
            "Delete or rename the other if it is stale, or map the one to read.",
        ),
        ambiguous_level_column=Code(
            E,
            "Several Matrix columns name one level and none is headed by the level alone.",
            "Map the one to read ([expectations.levels]) or rename the others.",
        ),
        level_code_split=Code(
            INFO,
            "Every level cell of the Levels sheet holds a code and a title ('L3 - Senior "
            "Engineer'): read as the code, the title going to a blank Title.",
            "Nothing to do; or keep the code in Level and the title in Title.",
        ),
        level_names_read_as_codes=Code(
            INFO,
            "Levels written as a job title or 'code - title' were read as the Levels codes.",
            "Nothing to do; a title two levels share is reported, never guessed.",
        ),
    ),
    # The 'Ladder Settings' sheet (a mapping of sheet and column names).
    **_codes(
        "settings",
        unreadable_settings_sheet=Code(
            W,
            "The settings sheet has no header row Table | Sheet | Column | Header.",
            "Add that header row above the mapping rows, or delete the sheet.",
        ),
        unknown_mapping_table=Code(
            W,
            "The settings name a table the framework does not have.",
            "Use a sheet name of the template, such as Levels or Matrix.",
        ),
        unknown_mapping_column=Code(
            W,
            "The settings name a column a table does not have.",
            "Use a column name of the template.",
        ),
        mapped_sheet_not_found=Code(
            E,
            "The settings name a sheet the workbook does not have.",
            "Correct the sheet name in the settings, or rename the sheet.",
        ),
    ),
    # Values in cells: types, scales, choices, repeated rows.
    **_codes(
        "values",
        missing_value=Code(
            E,
            "A required cell is blank.",
            "Fill in the cell; the row cannot be used without it.",
            "missing",
        ),
        not_a_number=Code(E, "Text where a number belongs.", "Type a plain number, e.g. 3 or 3.5."),
        rating_not_a_number=Code(
            E,
            "A rating is neither a number nor a known label.",
            f"Use a number from {SCALE[0]} to {SCALE[1]}, or map the label in the settings.",
        ),
        expectation_not_a_number=Code(
            E,
            "An expected proficiency in the Matrix is not a number.",
            f"Use a number from {SCALE[0]} to {SCALE[1]} or leave blank.",
        ),
        not_yes_no=Code(E, "A yes/no cell holds something else.", "Use Yes or No."),
        not_a_date=Code(E, "A date cell holds no date.", "Use a date cell or YYYY-MM-DD."),
        ambiguous_date=Code(
            E,
            "Slashed text dates that read differently day first and month first (07/01/2026: "
            "7 January or 1 July), with no date of the column settling it, or both orders.",
            "Make the column real date cells, or write its dates as YYYY-MM-DD.",
        ),
        date_order=Code(
            INFO,
            "The order of slashed text dates, as read: month first when a date's second "
            "number is above 12, or the order under which every date is the first of a month.",
            "Nothing to do; write the dates as YYYY-MM-DD to make them plain to everyone.",
        ),
        date_month_only=Code(
            INFO,
            "In Level Since or a Leaving Date written as a month alone ('Dec 2025', '2025-12', "
            "'12/2025'): In Level Since is read as the first of that month (time in level "
            "counts whole months), a Leaving Date as its last day (whoever leaves in a month "
            "is read as employed until it ends).",
            "Nothing to do; write the day too where it matters.",
        ),
        not_a_cycle=Code(
            E, "A cycle is not a quarter.", "Write the cycle as a quarter, e.g. 2026-Q3."
        ),
        rating_out_of_scale=Code(
            E,
            f"A rating is off the {SCALE_TEXT} scale.",
            f"Ratings are on a {SCALE_TEXT} scale.",
            "range",
        ),
        expectation_out_of_scale=Code(
            E,
            f"An expected proficiency is off the {SCALE_TEXT} scale.",
            f"Expected proficiency is on a {SCALE_TEXT} scale; leave blank if not expected.",
            "range",
        ),
        criteria_inconsistent=Code(
            E,
            "Promotion criteria off the scale or negative (warning: a floor above the average, "
            "or a step that goes down).",
            f"Averages and floors are on the {SCALE_TEXT} scale; cycles and quarters are 0 or "
            "more.",
            "range",
            also=W,
        ),
        negative_value=Code(E, "A count or amount is below 0.", "Use 0 or a positive number."),
        band_inverted=Code(
            W, "Band Min is above Band Max.", "Band Min should not exceed Band Max."
        ),
        unknown_track=Code(
            E, "Track is not IC or Management.", "Track is IC or Management.", "unknown"
        ),
        unknown_category=Code(
            E,
            "Category is not Core or Functional.",
            "Category is Core or Functional.",
            "unknown",
        ),
        unknown_path_kind=Code(
            E,
            "A path's kind is not Crossover, Return or Lateral.",
            "Kind is Crossover, Return or Lateral.",
            "unknown",
        ),
        unknown_rater_type=Code(
            E,
            "A rater type is not one of the known ones.",
            "Rater type is manager, self, peer, upward or additional manager.",
            "unknown",
        ),
        duplicate_level=Code(
            E,
            "A level appears twice in a job family.",
            "Each level appears once per job family; remove or rename one.",
            "duplicate",
        ),
        duplicate_level_order=Code(
            W,
            "Two levels of a track share an Order.",
            "Give each level of a track its own Order.",
            "duplicate",
        ),
        duplicate_competency=Code(
            E,
            "A competency appears twice in a job family.",
            "Each competency appears once per job family.",
            "duplicate",
        ),
        duplicate_matrix_cell=Code(
            E,
            "A competency has two expectations at one level.",
            "A competency has one expectation per level; keep one.",
            "duplicate",
        ),
        duplicate_behavior_cell=Code(
            E,
            "A competency has two descriptions at one level.",
            "A competency has one description per level; keep one.",
            "duplicate",
        ),
        duplicate_criteria=Code(
            E,
            "A step has two rows of promotion criteria.",
            "Each step has one row of promotion criteria.",
            "duplicate",
        ),
        duplicate_employee_id=Code(
            E,
            "Two people share an Employee ID.",
            "Employee IDs must be unique; fix or remove the second row.",
            "duplicate",
        ),
        duplicate_evidence=Code(
            W,
            "Two evidence rows for one person and cycle.",
            "Record one evidence row per employee and cycle.",
            "duplicate",
        ),
    ),
    # References between tables and the reporting tree.
    **_codes(
        "references",
        unknown_family=Code(
            E,
            "A job family that is not on the Levels sheet.",
            "Use a Job Family from the Levels sheet, or add the family there.",
            "unknown",
        ),
        unknown_level=Code(
            E,
            "A level that is not on the Levels sheet for its job family.",
            "Use a level listed in the Levels sheet for this job family.",
            "unknown",
        ),
        competency_note_dropped=Code(
            INFO,
            "A competency in the Matrix or Behaviors written with a note in brackets after its "
            "name ('Communication (core)'): read as the competency the name alone is.",
            "Nothing to do; drop the note from the name to make it plain.",
        ),
        unknown_competency=Code(
            E,
            "A competency that is not on the Competencies sheet.",
            "Use a competency from the Competencies sheet, or add it there.",
            "unknown",
        ),
        unknown_employee=Code(
            E,
            "An Employee ID that is not on the Employees sheet.",
            "Use an Employee ID from the Employees sheet, or add the person there.",
            "unknown",
        ),
        track_mismatch=Code(
            W,
            "A person's track does not match their level's track.",
            "Correct the track or the level; the level's track is used.",
        ),
        unknown_manager=Code(
            E,
            "A Manager ID that is not an employee.",
            "Use an Employee ID from this sheet, or add the manager as an employee.",
            "unknown",
        ),
        self_manager=Code(
            E,
            "Someone is their own manager.",
            "Set Manager ID to the person they report to, or leave it blank at the top.",
        ),
        manager_loop=Code(
            E,
            "A reporting loop.",
            "Break the loop: someone in it must report to a person outside it.",
        ),
        several_roots=Code(
            INFO,
            "More than one person has no manager.",
            "Fine for several leaders; otherwise fill in their Manager ID.",
        ),
        employee_left=Code(
            INFO,
            "People marked on Employees as having left (a Status such as 'Terminated', a "
            "yes/no 'Active' or 'Leaver' column, or a leaving date passed): the analysis passes "
            "over them and their ratings history is kept.",
            "Nothing to do; if someone so marked is still employed, correct their status.",
        ),
        employee_row_hidden=Code(
            W,
            "People on rows of Employees hidden by a filter or by hand, whom nothing marks as "
            "left: read as employed (hiding a row does not say that someone left).",
            "If they left, say so in a Status column ('Left') or with a Leaving Date; if they "
            "are employed, nothing to do.",
        ),
        employee_status_unknown=Code(
            W,
            "A Status on Employees not known as employed or left (read as employed), or a "
            "status saying employed beside a leaving date that has passed.",
            'Say what it means in a mapping file: [employees.status] "Garden leave" = '
            '"current" (or "left").',
        ),
    ),
    # Ratings, across the workbook's history and the exports.
    **_codes(
        "ratings",
        duplicate_rating=Code(
            E,
            "Two ratings for one person, competency, cycle and rater (warning when the same "
            "value comes from two files).",
            "Keep one row per person, competency, cycle and rater type.",
            "duplicate",
            also=W,
        ),
        rated_leaver=Code(
            W,
            "New ratings of people marked on Employees as having left: recorded with their "
            "history, passed over by the analysis.",
            "If someone rated is still employed, correct their status on Employees.",
        ),
        former_employee=Code(
            W,
            "People in the ratings history who are no longer on Employees (left, or their ID "
            "changed there): their history is kept and the analysis passes over them.",
            "Nothing to do for leavers; for a changed ID, change it in Ratings History too.",
        ),
        exports_overlap=Code(
            E,
            "Two files hold many of the same ratings (a warning when every value agrees): the "
            "same cycle exported twice, or one filed under the wrong cycle.",
            "Pass the one export that holds the cycle; check a misfiled one with --cycle.",
            also=W,
        ),
        rating_changed=Code(
            W,
            "An export changes a rating the workbook already holds (an error for merge).",
            "If the export is a correction, merge with --replace-cycle for that cycle.",
            also=E,
        ),
        missing_rating=Code(
            W,
            "No manager rating for a competency the person's level expects.",
            "Add the rating to the export, or leave the expectation blank if it does not apply.",
            "missing",
        ),
        rating_not_expected=Code(
            INFO,
            "A rating for a competency the person's level does not expect.",
            "Fine if intended; the rating is shown but does not count for readiness.",
        ),
    ),
    # Review exports (CSV or XLSX from an HR tool).
    **_codes(
        "exports",
        export_missing_sheet=Code(
            W,
            "The mapping names a sheet the export does not have.",
            "Correct the sheet name in the mapping.",
        ),
        export_missing_column=Code(
            E,
            "A column the export needs (employee, competency, rating) was not found.",
            "Map the column to its role, or export it from the HR tool.",
        ),
        export_scale_differs=Code(
            E,
            f"A rating column's header states a scale other than the framework's {SCALE_TEXT} "
            "('Score (1-10)'); its ratings are not read, since converting them would be a guess.",
            f"Export the ratings on the {SCALE_TEXT} scale or convert them before merging; if "
            "they are already on it, rename the column.",
        ),
        export_ambiguous_rating=Code(
            E,
            "A long export has a manager's rating column and a plain rating column that differ; "
            "which is the manager's rating would be a guess.",
            "Name the manager's rating column in a mapping file (ladder-sheets inspect).",
        ),
        export_competency_in_text=Code(
            INFO,
            "Competency cells holding a question's text were read by the one competency each "
            "names at its start or end ('Delivery: How well does...').",
            "Nothing to do if each is right; otherwise map the question to its competency.",
        ),
        export_column_ignored=Code(
            INFO,
            "A column of a one-column-per-competency export is not read.",
            "Map it to a competency name if it holds one competency's ratings.",
        ),
        export_mojibake=Code(
            W,
            "Text converted between encodings before it reached the file ('Ã©' for 'é').",
            "Export the file again as CSV UTF-8 and check names such as 'José'.",
        ),
        export_no_rows=Code(
            E,
            "The export has a header but no rows.",
            "Export the ratings again once the review cycle has ratings in it.",
        ),
        export_no_ratings=Code(
            E,
            "The export has rows but not one rating.",
            "Check that the rating columns were included in the export.",
        ),
        export_row_without_employee=Code(
            W,
            "A row of the export has no employee.",
            "Fill in the employee, or remove the row from the export.",
        ),
        ratings_skipped=Code(
            INFO,
            "Blank or N/A ratings were skipped.",
            "Nothing to do unless those ratings should have been given.",
        ),
        cycle_unknown=Code(
            E,
            "The export names no review cycle.",
            "Pass the cycle (--cycle 2026-Q3), or name the file like 2026-Q3_reviews.csv.",
        ),
        cycle_unreadable=Code(
            E, "A cycle in the export cannot be read.", "Write the cycle like 2026-Q3."
        ),
        cycle_mismatch=Code(
            W,
            "The cycle given differs from the export's cycle column.",
            "Check that this is the export you meant, or drop the cycle argument.",
        ),
        unknown_label=Code(
            E,
            "A rating is neither a number nor a known label.",
            f"Use {SCALE_TEXT} or a label such as 'Meets', or give the label a number (--label).",
            "unknown",
        ),
        mapping_unknown_column=Code(
            W,
            "The mapping names a column the export lacks.",
            "Use one of the export's headers.",
        ),
        mapping_unknown_role=Code(
            W,
            "The mapping names something that is not a column role.",
            "Use a role such as employee_id, competency, rating or cycle.",
        ),
        export_sheet_chosen=Code(
            INFO,
            "The export's tab that holds the ratings was read; the others were not.",
            "Name the tab in the mapping if another one holds the ratings.",
        ),
        export_sheets_read=Code(
            INFO,
            "Several tabs of the export hold ratings under one header (a tab per team or per "
            "cycle): every one was read.",
            "Nothing to do if they all belong to this review; otherwise name one tab in the "
            "mapping.",
        ),
        export_sheet_not_read=Code(
            W,
            "A tab holds ratings under another header than the tabs read, and was not read.",
            "Export it under the same header, or pass it as a file of its own.",
        ),
        export_two_row_header=Code(
            INFO,
            "The export's header was read from two rows: competency names under the groups "
            "of the row above ('Manager rating' over them, 'Self rating' over them again).",
            "Nothing to do if that is right; otherwise name the columns in the mapping.",
        ),
        export_summary_ignored=Code(
            INFO,
            "Columns that sum up the competency columns are not read as ratings.",
            "Nothing to do: each competency's own rating is read.",
        ),
        export_column_understood=Code(
            INFO,
            "A column read as a rater's ratings: its name names the rater, its values are ratings.",
            "Nothing to do if that is right; otherwise name the column in the mapping.",
        ),
        export_key=Code(
            INFO,
            "How the export's rows were matched to people (the column used as the key).",
            "Nothing to do if that is right; otherwise name the employee_id column in the mapping.",
        ),
        export_id_zeros=Code(
            INFO,
            "Digits-only Employee IDs that differ from Employees only in leading zeros (a "
            "spreadsheet dropped them), read as the one ID each matches.",
            "Nothing to do if that is right; format the ID column as text to keep the zeros.",
        ),
        ambiguous_person=Code(
            E,
            "A name in the export names several people; their ratings are not read.",
            "Identify people by Employee ID or e-mail in the export.",
        ),
        cycle_read_as_quarter=Code(
            INFO,
            "Cycles given as dates or periods were read as the quarter each ends in.",
            "Nothing to do if that is right; otherwise pass --cycle.",
        ),
        cycle_from_period_start=Code(
            W,
            "Only the start of the review period is given: each row's cycle is the quarter it "
            "starts in.",
            "Pass --cycle 2026-Q3 if the period ends in another quarter.",
        ),
        label_scale=Code(
            INFO,
            "Rating labels were read on a known scale.",
            "If your scale differs, pass --label for each label.",
        ),
        label_scale_ambiguous=Code(
            E,
            "The labels found fit scales that read them differently; no rating was guessed.",
            "Pass the --label options of your scale.",
        ),
        evidence_not_yes_no=Code(
            W,
            "Promotion evidence in an export is not yes or no.",
            "Use Yes or No in the evidence columns.",
        ),
        evidence_conflict=Code(
            W,
            "A person's rows disagree on their promotion evidence.",
            "Give the same evidence on each of a person's rows.",
        ),
    ),
    # The framework's quality against the rules of the field (none stops a merge).
    **_codes(
        "quality",
        levels_too_few=Code(
            W,
            "A track has fewer than 4 levels (long gaps between promotions).",
            "Merge or split levels so that each step is a visible change in scope.",
        ),
        levels_too_many=Code(
            W,
            "A track has more than 7 levels (differences nobody can tell apart).",
            "Merge or split levels so that each step is a visible change in scope.",
        ),
        competencies_too_few=Code(
            W,
            "Fewer than 6 competencies expected on a track.",
            "Cover the role with 6-12 competencies.",
        ),
        competencies_too_many=Code(
            W,
            "More than 12 competencies expected on a track.",
            "Merge competencies: 12 is a practical ceiling.",
        ),
        competencies_far_too_many=Code(
            W,
            "20 or more competencies on a track: a review takes a day per person.",
            "Merge competencies: 12 is a practical ceiling.",
        ),
        no_core_competencies=Code(
            W,
            "A job family has no Core competency.",
            "Mark the competencies every role shares as Core.",
        ),
        no_functional_competencies=Code(
            W,
            "A job family has no Functional competency.",
            "Add the competencies of the family's craft as Functional.",
        ),
        missing_expectation=Code(
            W,
            "A blank Matrix cell above or between levels that expect the competency, or a "
            "competency expected nowhere.",
            f"Fill in the expected proficiency ({SCALE_TEXT}).",
            "missing",
        ),
        missing_behavior=Code(
            W,
            "An expected competency x level without a behavioral description.",
            "Describe what someone at that level does, in one or two sentences.",
            "missing",
        ),
        expectation_drops=Code(
            W,
            "An expectation is lower than at the level below on the same track.",
            "Expectations should never drop as the level rises.",
        ),
        behavior_repeated=Code(
            W,
            "Adjacent levels have the same description.",
            "Say what changes between the two levels.",
        ),
        behavior_trait_words=Code(
            W,
            "A description names traits ('strong') instead of behaviour.",
            "Name what the person has done or does, with observable verbs and a scope.",
        ),
        behavior_too_long=Code(
            W,
            "A description runs past two sentences.",
            "Keep it to one or two sentences two managers read the same way.",
        ),
        missing_criteria=Code(
            W,
            "A step between adjacent levels of a track has no promotion criteria.",
            "Add a row to Promotion Criteria for the step.",
            "missing",
        ),
        ic_track_shorter=Code(
            W,
            "The IC track has fewer levels than the management track.",
            "Give the IC track as many levels as management (equal prestige).",
        ),
        ic_band_below_management=Code(
            W,
            "The top IC band ends below the top management band.",
            "Let the top IC band reach the top management band (equal prestige).",
        ),
        no_crossover=Code(
            W,
            "A family with both tracks has no Crossover path.",
            "Add a Crossover path: which IC level may enter management.",
        ),
        no_return_path=Code(
            W,
            "A family with both tracks has no Return path from management.",
            "Add a Return path from management back to IC.",
        ),
        lateral_path_incomplete=Code(
            W,
            "A Lateral path lacks transferable skills or gaps to close.",
            "Name the skills that transfer and the gaps to close.",
        ),
        criteria_aspirational=Code(
            W,
            "Under 5% of the 10+ people rated at a level meet its promotion criteria.",
            "Check the criteria against what people at the level are rated.",
        ),
    ),
    # The Framework Versions sheet merge writes: the framework each cycle was judged by.
    **_codes(
        "versions",
        framework_changed=Code(
            INFO,
            "The framework differs from the version merge recorded last.",
            "See every change with ladder-sheets diff; the next merge records a new version.",
        ),
        version_missing=Code(
            W,
            "A version is named for a cycle but none of its rows are recorded.",
            "Do not edit the Framework Versions sheet by hand; merge writes it.",
        ),
        version_unreadable=Code(
            W,
            "A row of the Framework Versions sheet cannot be read.",
            "Do not edit the Framework Versions sheet by hand; merge writes it.",
        ),
    ),
    # The history store beside a workbook (ladder_sheets/store): opted into per workbook.
    **_codes(
        "history store",
        history_store_pays_off=Code(
            INFO,
            "The ratings history is past the size where keeping it in a store beside the "
            "workbook pays off.",
            "Run ladder-sheets history store WORKBOOK: the whole history goes into a Parquet "
            "file beside the workbook, which keeps the cycles readiness and trends need.",
        ),
        history_in_store=Code(
            INFO,
            "Earlier cycles of the ratings history were read from the store beside the workbook.",
            "Keep the store file with the workbook; ladder-sheets history export writes the "
            "whole history to .xlsx or CSV.",
        ),
        cycle_only_in_sheet=Code(
            INFO,
            "Ratings History holds a cycle the history store does not (added by hand).",
            "The next merge writes it into the store; nothing to do if it is meant to be there.",
        ),
    ),
}


class UnregisteredCode(KeyError):
    """A finding code that is not in CODES."""


def code(name: str) -> Code:
    try:
        return CODES[name]
    except KeyError:
        raise UnregisteredCode(
            f"finding code '{name}' is not registered: add it to CODES in ladder_sheets/codes.py "
            "and run python3 scripts/build_codes_doc.py"
        ) from None


def is_kind(name: str, kind: str) -> bool:
    """Whether the code `name` is of `kind` ("missing", "unknown", "duplicate", "range")."""
    found = CODES.get(name)
    return found is not None and found.kind == kind


def markdown() -> str:
    """docs/codes.md: every code by area, with its severity, what it means and the usual fix."""
    lines = [
        "# Finding codes",
        "",
        "Generated from `ladder_sheets/codes.py` by `python3 scripts/build_codes_doc.py`; do not",
        "edit by hand. Every finding `ladder-sheets check` (and merge, packs, calibrate) reports",
        "carries one of these codes; `--format json` gives it as `code`. The hint is the usual",
        "fix: the finding itself often says more (the cell, the closest known name).",
    ]
    areas: dict[str, list[tuple[str, Code]]] = {}
    for name, entry in CODES.items():
        areas.setdefault(entry.area, []).append((name, entry))
    for area, entries in areas.items():
        lines += [
            "",
            f"## {area}",
            "",
            "| code | severity | means | fix |",
            "| --- | --- | --- | --- |",
        ]
        for name, entry in entries:
            severity = entry.severity.value + (f" ({entry.also.value})" if entry.also else "")
            lines.append(f"| `{name}` | {severity} | {entry.title} | {entry.hint} |")
    return "\n".join(lines) + "\n"
