"""Held-out statements for the rules engine's truthfulness (issue 12): written for this benchmark on
2026-12-01, after the rules were written and never used to tune them (the tuning set is
`tests/challenge_set.py`). New phrasings of the same categories: what must yield no commitment
(negated, denied, hypothetical, completed, opinion) and genuine commitments in awkward syntax.

Edit with care: a case added here after looking at the engine's output stops being held out.
"""

from __future__ import annotations

NOTHING: list[str] = [
    # negated
    "The airline has no intention of cutting flights to the island, a spokeswoman said.",
    "Neither party agreed to the mediator's timetable.",
    "The board has yet to approve the merger.",
    "No agreement was reached on the border question after six hours of talks.",
    "The coalition stopped short of promising a referendum.",
    "The minister declined to commit to a date for the elections.",
    "Contrary to reports, the president did not vow to expel the diplomats.",
    "The army is not going to withdraw from the valley, the colonel said.",
    # denied
    "The ministry denied that it had agreed to pay the ransom.",
    "The spokesman dismissed as rumours claims that the factory would close.",
    "Officials played down reports that the city planned to ban diesel cars.",
    "The company refused to rule out further job cuts.",
    "The prime minister's office flatly denied that he would resign.",
    # hypothetical
    "The government may consider raising the retirement age.",
    "Analysts said the bank could cut rates as early as June.",
    "The province is exploring whether to build a second bridge.",
    "Should the talks fail, the union might consider a strike.",
    "The council is debating a proposal to close two libraries.",
    "The ministry is considering options, including a fuel subsidy.",
    # completed
    "The company paid the fine in full last week.",
    "The two countries signed and ratified the treaty in 2019.",
    "The mayor kept her promise to open the new school.",
    "The contractor finished rebuilding the bridge in March.",
    # opinions and others' threats
    "The central bank warned that inflation could rise further.",
    "Doctors cautioned against easing the restrictions too soon.",
    "Critics said the plan would hurt small farmers.",
    "The report predicted that prices will keep rising.",
]

FOUND: list[tuple[str, str]] = [
    ("Not only did the cabinet approve the subsidy, it also vowed to extend it to farmers.", "promise"),
    ('"We will not sign this deal," the foreign minister said on Tuesday.', "refusal"),
    ("Procter and Gamble pledged to cut its emissions by half by 2030.", "promise"),
    ("More than 100 countries pledged to triple renewable energy capacity by 2030.", "promise"),
    ("The nurses' union threatened to walk out on Friday unless the hospital raises pay.", "threat"),
    ("Both governments agreed to reopen their embassies by the end of the year.", "agreement"),
    ("The mayor vowed to rebuild every home destroyed by the flood.", "promise"),
    ("The opposition demanded that the election results be recounted.", "demand"),
    ("The committee called on the government to publish the report.", "demand"),
    ("Iran rejected a demand to hand over the suspects.", "refusal"),
    ("The company announced plans to open three factories in Mexico next year.", "plan"),
    ("Ukraine and Poland agreed on Monday to build a new rail link.", "agreement"),
    ("The rebels warned they would attack the capital if the army advanced.", "threat"),
    ("The president promised that wages would rise next year.", "promise"),
    ("The league intends to expand to twenty teams by 2028.", "plan"),
]
