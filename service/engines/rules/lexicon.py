"""Word lists the rules engine reasons with: cue words, agent nouns, titles, speech verbs.

Why a separate module: the lists are the engine's linguistic knowledge; keeping them apart
from the parse-walking code lets them be reviewed and extended without touching the logic.
"""

from __future__ import annotations

from typing import Final

from schemas.analysis import CommitmentKind

# Verbs whose subject commits to something (lemma → kind).
VERB_CUES: Final[dict[str, CommitmentKind]] = {
    "agree": "agreement",
    "accept": "agreement",
    "consent": "agreement",
    "pledge": "promise",
    "promise": "promise",
    "vow": "promise",
    "commit": "promise",
    "offer": "promise",
    "guarantee": "promise",
    "swear": "promise",
    "assure": "promise",
    "plan": "plan",
    "intend": "plan",
    "aim": "plan",
    "propose": "plan",
    "decide": "plan",
    "prepare": "plan",
    "want": "plan",
    "wish": "plan",
    "hope": "plan",
    "seek": "plan",
    "demand": "demand",
    "urge": "demand",
    "insist": "demand",
    "press": "demand",
    "pressure": "demand",
    "pressurize": "demand",
    "push": "demand",
    "ask": "demand",
    "request": "demand",
    "order": "demand",
    "require": "demand",
    "appeal": "demand",
    "call": "demand",
    "expect": "demand",
    "recommend": "demand",
    "implore": "demand",
    "refuse": "refusal",
    "reject": "refusal",
    "decline": "refusal",
    "deny": "refusal",
    "dismiss": "refusal",
    "veto": "refusal",
    "oppose": "refusal",
    "boycott": "refusal",
    "renege": "refusal",
    "rebuff": "refusal",
    "rule": "refusal",  # only as "rule out" (the detector checks the particle)
    "turn": "refusal",  # only as "turn down"
    "vote": "plan",  # "voted to strike" (a decision); "voted down", "voted against": a refusal
    "threaten": "threat",
    "warn": "threat",
}

# Cues that need a to-infinitive (xcomp) to mean a commitment ("plans to", "aims to").
NEEDS_XCOMP: Final[frozenset[str]] = frozenset(
    {"aim", "decide", "prepare", "want", "wish", "hope", "seek", "commit", "swear", "intend"}
)

# Intentions that, told in the past perfect, did not come to pass: "had hoped to close by June",
# "had planned to march on Sunday" (a pledge or agreement made earlier still stands).
INTENTIONS: Final[frozenset[str]] = frozenset({"plan", "intend", "aim", "want", "wish", "hope", "expect"})

# Cues that take a person/state object then a to-infinitive ("urged Turkey to").
OBJECT_CONTROL: Final[frozenset[str]] = frozenset(
    {
        "urge",
        "press",
        "pressure",
        "pressurize",
        "push",
        "ask",
        "order",
        "require",
        "call",
        "expect",
        "implore",
        "request",
        "appeal",
        "tell",
        "warn",
        "recommend",
    }
)

# Cues that need a clause or a preposition, not a bare object ("asked a question" is no demand).
NEEDS_CLAUSE: Final[frozenset[str]] = frozenset(
    {"ask", "order", "call", "press", "push", "appeal", "tell", "pressure", "expect", "warn", "require", "insist"}
)

# Prepositions that introduce the content of a cue ("agree on", "call for", "insist on").
CUE_PREPS: Final[dict[str, frozenset[str]]] = {
    "agree": frozenset({"on", "to", "upon"}),
    "call": frozenset({"for", "on", "upon"}),
    "insist": frozenset({"on", "upon"}),
    "press": frozenset({"for"}),
    "push": frozenset({"for"}),
    "ask": frozenset({"for"}),
    "appeal": frozenset({"for", "to"}),
    "renege": frozenset({"on"}),
    "warn": frozenset({"of", "against"}),
    "commit": frozenset({"to"}),
    "vote": frozenset({"against", "down"}),  # the small model reads "voted down the plan" with a preposition
    "turn": frozenset({"down"}),
}

# What "signed a ... to" binds its signatories to.
PACTS: Final[frozenset[str]] = frozenset(
    {
        "pact",
        "deal",
        "agreement",
        "accord",
        "treaty",
        "memorandum",
        "contract",
        "protocol",
        "declaration",
        "ceasefire",
        "truce",
        "armistice",
    }
)

# Verbs of a third party that brings others to a pact: "Egypt brokered a truce between Israel and
# Hamas" is the agreement of Israel and Hamas, not Egypt's.
BROKERING_VERBS: Final[frozenset[str]] = frozenset({"broker", "mediate"})

# Verbs that make another's plan or deal one's own: "approved a plan to build 5,000 homes".
ENDORSING_VERBS: Final[frozenset[str]] = frozenset({"approve", "endorse", "adopt", "ratify", "back"})

# Verbs that make a deal: "reached a deal with the league", "struck an agreement" (the agreement
# is what they agreed; "signed the treaty in 1998" is a formality done, not this).
DEAL_MAKING_VERBS: Final[frozenset[str]] = frozenset({"reach", "strike", "clinch", "seal", "hammer"})

# What "turned down" refuses when the model reads "down" as a preposition (not "turned down the street").
OFFERS: Final[frozenset[str]] = frozenset(
    {"offer", "request", "proposal", "plan", "bid", "invitation", "deal", "appeal", "demand", "application"}
)

# What "deny" and "dismiss" refuse when it is their object ("denied him entry", "dismissed an appeal to"):
# something asked for or granted. Any other object is a fact denied or a thing dismissed ("denied
# wrongdoing", "dismissed the criticism", "dismissed the coach"), which commits to nothing.
GRANTED: Final[frozenset[str]] = OFFERS | frozenset(
    {"entry", "access", "admission", "admittance", "bail", "parole", "permission", "permit", "licence", "license",
     "visa", "asylum", "petition", "plea", "allocation", "approval", "clearance", "passage", "transit", "landing",
     "exemption", "extension", "waiver", "pardon", "citizenship", "residency", "accreditation", "call",
     "ultimatum", "idea", "overture", "suggestion"}
)  # fmt: skip

# Cues that only count with a complement clause/object (a bare "he asked" is not a demand).
NEEDS_COMPLEMENT: Final[frozenset[str]] = frozenset(VERB_CUES) - {"agree"}

# Adjectives + to-infinitive ("ready to", "willing to", "opposed to").
ADJ_CUES: Final[dict[str, CommitmentKind]] = {
    "ready": "promise",
    "willing": "promise",
    "prepared": "promise",
    "committed": "promise",
    "determined": "plan",
    "set": "plan",
    "due": "plan",
    "poised": "plan",
    "unwilling": "refusal",
    "reluctant": "refusal",
    "opposed": "refusal",
}

# Nouns that carry a commitment when an actor owns them ("Moscow's expectation that ...").
NOUN_CUES: Final[dict[str, CommitmentKind]] = {
    "expectation": "demand",
    "demand": "demand",
    "call": "demand",
    "request": "demand",
    "appeal": "demand",
    "reminder": "demand",
    "order": "demand",
    "pledge": "promise",
    "promise": "promise",
    "commitment": "promise",
    "offer": "promise",
    "vow": "promise",
    "plan": "plan",
    "intention": "plan",
    "proposal": "plan",
    "threat": "threat",
    "ultimatum": "threat",
    "warning": "threat",
    "refusal": "refusal",
    "rejection": "refusal",
    "agreement": "agreement",
    "consensus": "agreement",
    "deal": "agreement",
    "ceasefire": "agreement",
    "truce": "agreement",
    "policy": "plan",  # only "a policy of doing" (a refusal when it withholds): see commitments._policy_kind
}

# Verbs that end, break or complete an undertaking named as their object: "withdrew its offer to",
# "abandoned its plan to", "broke its promise to", "fulfilled its pledge to", "backed away from its
# promise": no commitment stands (and "kept its pledge" is done).
ENDING_VERBS: Final[frozenset[str]] = frozenset(
    {"withdraw", "abandon", "drop", "scrap", "shelve", "cancel", "rescind", "revoke", "retract", "renounce",
     "reverse", "ditch", "suspend", "freeze", "break", "violate", "breach", "fulfil", "fulfill", "honour",
     "honor", "keep", "complete", "walk", "renege", "pull", "quit", "abrogate", "repudiate", "annul",
     "deliver", "backtrack", "betray", "retreat", "jettison"}
)  # fmt: skip

# What one side grants or withholds: "there will be no amnesty" refuses it.
GRANTED_THINGS: Final[frozenset[str]] = frozenset(
    {"amnesty", "concession", "compromise", "negotiation", "talk", "bailout", "exception", "pardon", "extension",
     "deal", "retreat", "surrender", "ceasefire", "truce", "referendum", "increase", "rise", "hike", "cut"}
)  # fmt: skip

# Who speak for someone else: their 'he' or 'she', or lawyers' 'it', is that someone.
SPOKESPEOPLE: Final[frozenset[str]] = frozenset(
    {"spokesman", "spokeswoman", "spokesperson", "aide", "lawyer", "attorney", "adviser", "advisor"}
)

# Nouns of asking or proposing whose infinitive the parser may hang on the verb: "rejected calls | to delay".
REQUEST_NOUNS: Final[frozenset[str]] = frozenset(
    {"call", "demand", "request", "appeal", "plea", "pressure", "proposal", "plan", "offer", "bid"}
)

# Verbs of doing what was undertaken: "the threat was never carried out" (not kept).
CARRYING_OUT_VERBS: Final[frozenset[str]] = frozenset(
    {"carry", "implement", "fulfil", "fulfill", "honour", "honor", "keep", "deliver", "realise", "realize"}
)

# Verbs of turning out to be: "the promise proved hollow".
TURNING_OUT_VERBS: Final[frozenset[str]] = frozenset({"prove", "ring", "turn"})

# Taking back what was just undertaken: the verb → the object it takes for that ("changed her
# mind", "reversed course"), or "" for none ("then backtracked").
TAKING_BACK: Final[dict[str, str]] = {"change": "mind", "reverse": "course", "backtrack": "", "renege": ""}

# Phrasal verbs that end an undertaking: "went back on its promise", "rowed back on its pledge".
ENDING_PHRASAL: Final[frozenset[tuple[str, str]]] = frozenset(
    {("go", "back"), ("row", "back"), ("climb", "down"), ("u", "turn"), ("back", "away"), ("back", "down"),
     ("back", "out")}
)  # fmt: skip

# Verbs of deliberation: "would consider joining", "will study the proposal" commit to nothing yet.
DELIBERATION_VERBS: Final[frozenset[str]] = frozenset(
    {"consider", "weigh", "mull", "study", "explore", "examine", "ponder", "contemplate", "assess", "evaluate",
     "reconsider"}
)  # fmt: skip

# Nouns whose clause is talk about an actor, not its undertaking: "rumours that Apple will buy".
RUMOUR_NOUNS: Final[frozenset[str]] = frozenset(
    {"rumour", "rumor", "report", "speculation", "claim", "allegation", "suggestion", "fear", "concern", "doubt",
     "accusation"}
)  # fmt: skip

# People whose saying that an actor will do something is their forecast: "Critics say the company will".
COMMENTATOR_NOUNS: Final[frozenset[str]] = frozenset(
    {"critic", "analyst", "expert", "observer", "economist", "commentator", "sceptic", "skeptic", "pundit",
     "forecaster", "strategist", "investor", "trader", "market", "pollster"}
)  # fmt: skip

# Verbs of withholding: "a policy of prohibiting imports", "of turning away boats" is a refusal.
WITHHOLDING_VERBS: Final[frozenset[str]] = frozenset(
    {"prohibit", "ban", "bar", "forbid", "refuse", "reject", "deny", "block", "exclude", "deport", "expel"}
)

# Verbs through which an actor states or takes on a nominal commitment ("issued an ultimatum").
LIGHT_VERBS: Final[frozenset[str]] = frozenset(
    {
        "issue",
        "make",
        "reach",
        "renew",
        "reiterate",
        "repeat",
        "voice",
        "express",
        "deliver",
        "send",
        "extend",
        "restate",
        "announce",
        "give",
        "put",
        "present",
        "submit",
        "stress",
        "have",  # "Labour has a plan to fast-track cases" ("has no plan": none, see names_nobody)
        "maintain",
        "continue",
        "adopt",
        "sign",  # "signed a pledge to triple renewables": the signatories' pledge
    }
)

# Verbs of saying: their subject is whom a statement is attributed to.
SAY_VERBS: Final[frozenset[str]] = frozenset(
    {
        "say",
        "tell",
        "add",
        "cite",
        "announce",
        "state",
        "declare",
        "confirm",
        "report",
        "stress",
        "note",
        "explain",
        "claim",
        "quote",
        "inform",
        "reiterate",
        "repeat",
        "assert",
        "write",
        "tweet",
        "comment",
        "emphasise",
        "emphasize",
        "indicate",
        "reveal",
        "argue",
        "conclude",
        "remind",
        "insist",
        "acknowledge",
        "admit",
        "concede",
        "believe",
        "mention",
        "suggest",
        "predict",
        "disclose",
    }
)

# Verbs whose clause reports what an actor will do ("said it would ...", "pledged that ...").
REPORTING_VERBS: Final[frozenset[str]] = SAY_VERBS | frozenset(
    {"announce", "warn", "pledge", "promise", "confirm", "decide", "think", "believe", "agree", "signal", "indicate"}
)  # "signalled it would cut them twice this year": guidance given, as said

# Verbs whose subject announces what the following sentences detail ("NASA announced the
# orbiters' new homes. Enterprise will be moved to New York."): that actor plans the moves.
ANNOUNCING_VERBS: Final[frozenset[str]] = frozenset({"announce", "unveil", "outline", "detail", "present", "reveal"})

# Verbs of letting or giving: "no one will be allowed in" withholds (a refusal), where "no one
# will be deported" spares (a promise).
GRANTING_VERBS: Final[frozenset[str]] = frozenset(
    {
        "allow",
        "permit",
        "let",
        "admit",
        "give",
        "grant",
        "offer",
        "pay",
        "compensate",
        "exempt",
        "spare",
        "pardon",
        "release",
        "free",
    }
)

# Heads that name an actor's representatives: "Russian officials" stand for Russia.
REPRESENTATIVE_NOUNS: Final[frozenset[str]] = frozenset(
    {
        "official",
        "leader",
        "minister",
        "diplomat",
        "authority",
        "source",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "representative",
        "envoy",
        "negotiator",
        "delegation",
        "side",
        "delegate",
        "ambassador",
        "officer",
        "administration",
    }
)

# Heads that make a noun phrase an agent in its own right ("Poland's parliament").
AGENT_NOUNS: Final[dict[str, str]] = {
    "government": "state",
    "regime": "state",
    "junta": "state",  # "The junta gave French troops a month to leave"
    "parliament": "organization",
    "congress": "organization",
    "senate": "organization",
    "cabinet": "organization",
    "ministry": "organization",
    "council": "organization",
    "committee": "organization",
    "commission": "organization",
    "court": "organization",
    "judge": "person",
    "party": "organization",
    "opposition": "group",
    "union": "organization",
    "agency": "organization",
    "company": "organization",
    "firm": "organization",
    "bank": "organization",
    "board": "organization",
    "organization": "organization",
    "organisation": "organization",
    "coalition": "group",
    "movement": "group",
    "group": "group",
    "rebel": "armed_group",
    "militant": "armed_group",
    "insurgent": "armed_group",
    "militia": "armed_group",
    "force": "armed_group",
    "army": "armed_group",
    "military": "armed_group",
    "troop": "armed_group",
    "police": "organization",
    "farmer": "group",
    "worker": "group",
    "elder": "group",
    "protester": "group",
    "resident": "group",
    "inhabitant": "group",
    "student": "group",
    "president": "person",
    "prime": "person",
    "chief": "person",
    "wing": "group",
    "network": "group",
    "faction": "group",
    "alliance": "organization",
    "forum": "organization",
}

# Words a title must contain at least one of (so "the" or "and" alone is never a title).
TITLE_HEADS: Final[frozenset[str]] = frozenset(
    {
        "president",
        "vice-president",
        "minister",
        "secretary",
        "secretary-general",
        "chancellor",
        "king",
        "queen",
        "prince",
        "sheikh",
        "emir",
        "sultan",
        "senator",
        "sen.",
        "sen",
        "rep.",
        "governor",
        "mayor",
        "chairman",
        "chairwoman",
        "chair",
        "ceo",
        "chief",
        "director",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "ambassador",
        "envoy",
        "commander",
        "gen.",
        "general",
        "col.",
        "colonel",
        "lieutenant",
        "admiral",
        "marshal",
        "judge",
        "justice",
        "pope",
        "cardinal",
        "bishop",
        "archbishop",
        "ayatollah",
        "leader",
        "professor",
        "prof.",
        "dr.",
        "undersecretary",
        "commissioner",
        "officer",
        "coordinator",
        "head",
        "speaker",
        "adviser",
        "advisor",
        "representative",
        "mr",
        "mr.",
        "mrs",
        "mrs.",
        "ms",
        "ms.",
    }
)

# Words that may stand in a title before a person's name besides its head words
# ("deputy Foreign Minister Sergei Vershenin": deputy, foreign, minister).
TITLE_WORDS: Final[frozenset[str]] = TITLE_HEADS | frozenset(
    {
        "acting",
        "affairs",
        "agriculture",
        "and",
        "assistant",
        "attorney",
        "commerce",
        "communication",
        "communications",
        "crown",
        "defence",
        "defense",
        "deputy",
        "dr",
        "economic",
        "economy",
        "education",
        "emergency",
        "emeritus",
        "energy",
        "environment",
        "executive",
        "finance",
        "first",
        "foreign",
        "former",
        "health",
        "high",
        "home",
        "interim",
        "interior",
        "investment",
        "justice",
        "labor",
        "labour",
        "lady",
        "lt.",
        "major",
        "national",
        "of",
        "opposition",
        "ousted",
        "party",
        "planning",
        "presidential",
        "prime",
        "relief",
        "security",
        "senior",
        "shadow",
        "state",
        "supreme",
        "the",
        "trade",
        "transport",
        "treasury",
        "under",
        "vice",
    }
)

# Honorifics that are not titles worth reporting on their own.
HONORIFICS: Final[frozenset[str]] = frozenset({"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr."})

# Organisations that are intergovernmental (kind "igo").
IGO_NAMES: Final[frozenset[str]] = frozenset(
    {
        "united nations",
        "un",
        "u.n.",
        "nato",
        "european union",
        "eu",
        "e.u.",
        "security council",
        "un security council",
        "u.n. security council",
        "united nations security council",
        "who",
        "world health organisation",
        "world health organization",
        "imf",
        "international monetary fund",
        "world bank",
        "african union",
        "au",
        "opec",
        "asean",
        "arab league",
        "european community",
        "ec",
        "osce",
        "wto",
        "world trade organization",
        "iaea",
        "unicef",
        "unhcr",
        "world food program",
        "world food programme",
        "wfp",
        "g7",
        "g8",
        "g20",
        "council of europe",
        "european commission",
        "international labor office",
        "international labour organization",
        "ilo",
        "interpol",
        "european parliament",
        "apec",
        "asia-pacific economic cooperation",
        "ecowas",
        "mercosur",
        "organization of american states",
        "oas",
        "commonwealth",
        "international criminal court",
        "icc",
    }
)

# Words in an organisation's name that mark an armed group.
ARMED_WORDS: Final[frozenset[str]] = frozenset(
    {
        "rebels",
        "rebel",
        "militia",
        "militias",
        "front",
        "army",
        "brigade",
        "brigades",
        "hamas",
        "hezbollah",
        "hizbollah",
        "taliban",
        "al-qaeda",
        "al-qaida",
        "al qaeda",
        "isis",
        "isil",
        "islamic state",
        "guerrillas",
        "insurgents",
        "militants",
        "fighters",
        "jihad",
        "farc",
        "liberation",
        "forces",
        "mujahideen",
        "boko haram",
        "al-shabaab",
        "wagner",
    }
)

# Heads of organisation-like names that are things, not actors ("Sochi Agreement").
NON_ACTOR_HEADS: Final[frozenset[str]] = frozenset(
    {
        "agreement",
        "agreements",
        "treaty",
        "accord",
        "accords",
        "convention",
        "act",
        "summit",
        "conference",
        "resolution",
        "declaration",
        "protocol",
        "deal",
        "plan",
        "initiative",
        "law",
        "pact",
        "memorandum",
        "charter",
        "constitution",
        "day",
        "games",
        "olympics",
        "cup",
        "highway",
        "highways",
        "street",
        "square",
        "airport",
        "province",
        "region",
        "zone",
        "award",
        "prize",
        "war",
        "crisis",
        "index",
        "fund",
        "tax",  # "Council Tax"; and taxes and measures the recognizer takes for bodies:
        "vat",
        "gst",
        "gdp",
    }
)

# Coercion: a plan or promise whose action is coercive toward another actor or a population
# is a threat (CAMEO 13x, PLOVER THREATEN): "will impose sanctions on Y", "vowed to use force",
# "would tighten the blockade", "will expel the diplomats". Trade and fiscal measures (tariffs,
# taxes, prices, spending) are not on these lists: a plan to impose them stays a plan.

# Nouns naming a coercive measure; as the object of an imposing verb they make the action coercive.
COERCIVE_NOUNS: Final[frozenset[str]] = frozenset(
    {
        "weapon",  # "ready to use nuclear weapons"
        "missile",
        "sanction",
        "blockade",
        "embargo",
        "curfew",
        "force",
        "strike",
        "airstrike",
        "shelling",
        "bombardment",
        "hostility",
        "attack",
        "offensive",
        "retaliation",
        "reprisal",
        "revenge",
        "vengeance",
        "countermeasure",
        "expulsion",
        "deportation",
        "crackdown",
        "invasion",
        "bombing",
        "assault",
        "raid",
        "war",
        "punishment",
        "siege",
        "blow",
        "consequence",
    }
)

# Measures a speaker "warned of" that are its own answer, so a threat ("warned of countermeasures");
# a warning of war, attacks or consequences is a view of what may come.
RETALIATION_NOUNS: Final[frozenset[str]] = frozenset(
    {"countermeasure", "retaliation", "reprisal", "sanction", "punishment"}
)  # fmt: skip

# Acts of another that a "response" to them answers in kind: "would respond to any attack".
HOSTILE_ACTS: Final[frozenset[str]] = frozenset(
    {"attack", "aggression", "incursion", "invasion", "provocation", "strike", "assault", "escalation"}
)  # fmt: skip

# Pressure kept up until another gives way: "vowed to block the border until the government withdraws
# the tariff", "the strike will continue until ..." (a threat, not a plan).
PRESSURE_VERBS: Final[frozenset[str]] = frozenset(
    {"block", "blockade", "boycott", "occupy", "picket", "protest", "strike", "withhold", "suspend", "shut",
     "halt", "disrupt", "paralyse", "paralyze", "obstruct"}
)  # fmt: skip
PRESSURE_NOUNS: Final[frozenset[str]] = frozenset(
    {"strike", "protest", "boycott", "blockade", "sit-in", "walkout", "occupation", "stoppage", "shutdown",
     "picket"}
)  # fmt: skip

# Verbs of answering another's act: coercive when the answer is ("respond with force", "meet it with sanctions").
RESPONDING_VERBS: Final[frozenset[str]] = frozenset({"respond", "react", "reply", "answer", "meet", "retaliate"})

# Nouns that are coercive only with a coercive modifier ("military action", "martial law").
COERCIVE_IF_MODIFIED: Final[frozenset[str]] = frozenset(
    {"action", "measure", "step", "response", "operation", "intervention", "law", "option", "means"}
)
COERCIVE_MODIFIERS: Final[frozenset[str]] = frozenset(
    {"military", "punitive", "retaliatory", "armed", "martial", "coercive", "forceful"}
)

# Generic verbs that put a measure in place or into action: coercive when their object is
# ("impose sanctions", "use force", "launch strikes", "tighten the blockade", "declare martial law").
# Verb → the particle it needs ("carry out", "step up"), or "" for none.
IMPOSING_VERBS: Final[dict[str, str]] = {
    "impose": "",
    "reimpose": "",
    "use": "",
    "employ": "",
    "launch": "",
    "tighten": "",
    "declare": "",
    "carry": "out",
    "take": "",
    "extend": "",
    "enforce": "",
    "institute": "",
    "introduce": "",
    "step": "up",
    "intensify": "",
    "escalate": "",
    "resume": "",
    "continue": "",
    "maintain": "",
    "unleash": "",
    "wage": "",
    "mount": "",
    "conduct": "",
    "apply": "",
    "expand": "",
    "toughen": "",
    "slap": "",
    "begin": "",
    "start": "",
    "deliver": "",
    "order": "",
}

# Verbs whose action is coercive in itself ("will attack", "would retaliate", "will expel").
COERCIVE_VERBS: Final[frozenset[str]] = frozenset(
    {
        "strike",  # a walkout or an air strike: pressure on the other side either way
        "attack",
        "invade",
        "bomb",
        "shell",
        "raid",
        "storm",
        "besiege",
        "blockade",
        "retaliate",
        "punish",
        "expel",
        "deport",
        "annex",
    }
)

# Verbs that are coercive when aimed at people or an actor ("arrest the leaders", "ban opposition
# candidates", "fight the rebels"), not at things ("ban smoking", "fight corruption").
TARGETED_VERBS: Final[frozenset[str]] = frozenset(
    {
        "arrest",
        "detain",
        "prosecute",
        "jail",
        "imprison",
        "ban",
        "bar",
        "fight",
        "target",
        "crush",
        "kill",
        "seize",
        "evict",
        "sanction",
        "strike",
        "isolate",
    }
)

# Breaking off relations or supplies: "sever ties with Y", "cut off aid to Y".
SEVERING_VERBS: Final[frozenset[str]] = frozenset(
    {"cut", "sever", "break", "suspend", "freeze", "halt", "stop", "end", "withhold", "downgrade", "block"}
)
RELATION_NOUNS: Final[frozenset[str]] = frozenset({"tie", "relation", "link", "contact"})
SUPPLY_NOUNS: Final[frozenset[str]] = frozenset(
    {"aid", "assistance", "supply", "electricity", "power", "water", "gas", "fuel", "oil", "funding"}
)

# Verbs of beginning and going on: the coercion is in what they govern ("will resume shelling").
ASPECTUAL_VERBS: Final[frozenset[str]] = frozenset({"begin", "start", "continue", "resume", "keep"})

# Common nouns for people, so that a coercive verb aimed at them is a threat ("arrest protesters").
PEOPLE_NOUNS: Final[frozenset[str]] = frozenset(
    {
        "people",
        "person",
        "civilian",
        "candidate",
        "opponent",
        "dissident",
        "journalist",
        "migrant",
        "refugee",
        "foreigner",
        "critic",
        "suspect",
        "terrorist",
        "diplomat",
        "national",
        "immigrant",
        "supporter",
        "soldier",
        "fighter",
        "enemy",
        "population",
        "village",
        "town",
        "city",
        "country",
        "state",
        "neighbour",
        "neighbor",
        "regime",
        "militant",
        "rebel",
        "insurgent",
        "guerrilla",
        "protester",
        "demonstrator",
        "member",
        "leader",
    }
)
PEOPLE_PRONOUNS: Final[frozenset[str]] = frozenset(
    {"them", "him", "her", "those", "anyone", "anybody", "everyone", "us", "you", "whoever"}
)


# Time words worth reporting as `when` even when NER misses them.
WHEN_PATTERNS: Final[tuple[str, ...]] = (
    r"as soon as possible",
    r"as quickly as possible",
    r"very soon",
    r"soon",
    r"immediately",
    r"shortly",
    r"in the coming (?:days|weeks|months|years)",
    r"(?:next|this|later this) (?:week|month|year|spring|summer|autumn|fall|winter)",
    r"by the end of (?:the|this|next) (?:week|month|year)",
    r"within (?:\d+|a|one|two|three|four|five|six|ten|twenty|48) (?:h|hours?|days?|weeks?|months?|years?)",
    r"by year end",
)

# Markers of a condition clause.
CONDITION_MARKS: Final[frozenset[str]] = frozenset({"if", "unless", "provided", "providing", "once", "until"})

# Pronouns resolved to an actor where that is cheap.
PERSON_PRONOUNS: Final[frozenset[str]] = frozenset({"he", "she", "him", "her", "his"})
GROUP_PRONOUNS: Final[frozenset[str]] = frozenset({"it", "they", "we", "i", "its", "their", "our", "my"})

# Common nouns that name an actor by role when they are the subject (or speaker) of a
# commitment cue: "The mayor promised ...", "Café owners agreed ...", "The union threatened ...".
# person: one holder of an office (a plural makes a group); group: people acting together;
# armed_group: fighters acting together ("the rebels", "the army"); organization: an institution.
ROLE_NOUNS: Final[dict[str, str]] = {
    **{
        w: "person"
        for w in (
            "mayor",
            "minister",
            "president",
            "spokesperson",
            "spokesman",
            "spokeswoman",
            "chief",
            "governor",
            "premier",
            "chancellor",
            "prosecutor",
            "judge",
            "senator",
            "ambassador",
            "envoy",
            "commander",
            "general",
            "director",
            "chairman",
            "chairwoman",
            "chair",
            "ceo",
            "executive",
            "head",
            "leader",
            "secretary",
            "king",
            "queen",
            "monarch",
            "sheriff",
            "coach",
            "manager",
            "founder",
            "owner",
            "negotiator",
            "diplomat",
            "official",
            "lawmaker",
            "legislator",
            "councillor",
            "councilor",
        )
    },
    **{
        w: "group"
        for w in (
            "resident",
            "worker",
            "dockworker",
            "longshoreman",
            "protester",
            "protestor",
            "demonstrator",
            "farmer",
            "student",
            "teacher",
            "doctor",
            "nurse",
            "employee",
            "voter",
            "activist",
            "villager",
            "shopkeeper",
            "trader",
            "merchant",
            "fisherman",
            "driver",
            "miner",
            "parent",
            "citizen",
            "shareholder",
            "investor",
            "landlord",
            "tenant",
            "retailer",
            "operator",
            "lender",
            "producer",
            "exporter",
            "importer",
            "donor",
            "creditor",
            "elder",
            "inhabitant",
            "striker",
            "opposition",
            "member",
            "ally",  # "Nato allies agreed to spend 2% of GDP"
            "organizer",
            "organiser",
            "author",
            "researcher",
            "scientist",
            "expert",
            "campaigner",
            "lawyer",
            "attorney",
            "pilot",
            "soldier",
            "guard",
            "surgeon",
            "athlete",
            "fan",
            "priest",
            "bishop",
            "cleric",
            "imam",
            "rabbi",
            "monk",
            "veteran",
            "refugee",
            "patient",
            "victim",
            "hostage",
            "prisoner",
            "inmate",
            "family",
            "neighbour",
            "neighbor",
            "crew",
            "staff",
            "woman",
            "youth",
            "tribe",
            "clan",
            "community",
            "gang",
            "buyer",
            "user",
            "bidder",
            "opponent",
            "critic",
            "applicant",
        )
    },
    **{
        w: "armed_group"
        for w in ("army", "military", "rebel", "militant", "insurgent", "militia", "guerrilla", "troop", "fighter")
    },
    **{
        w: "organization"
        for w in (
            "union",
            "company",
            "council",
            "committee",
            "court",
            "government",
            "junta",
            "administration",
            "cabinet",
            "parliament",
            "ministry",
            "department",
            "municipality",
            "agency",
            "commission",
            "board",
            "firm",
            "bank",
            "police",
            "legislature",
            "assembly",
            "senate",
            "congress",
            "party",
            "regulator",
            "federation",
            "association",
            "authority",
            "tribunal",
            "panel",
            "group",
            "consortium",
            "coalition",
            "alliance",
            "university",
            "college",
            "school",
            "academy",
            "hospital",
            "clinic",
            "club",
            "team",
            "league",
            "city",
            "town",
            "village",
            "county",
            "province",
            "church",
            "diocese",
            "charity",
            "foundation",
            "institute",
            "institution",
            "museum",
            "newspaper",
            "magazine",
            "network",
            "studio",
            "carrier",
            "airline",
            "utility",
            "watchdog",
            "embassy",
            "consulate",
            "chain",
            "supermarket",
            "startup",
            "conglomerate",
            "corporation",
            "cooperative",
            "cartel",
            "office",
            "navy",
            "brigade",
            "battalion",
            "regiment",
        )
    },
}

# Last words of company names, which the recognizer sometimes takes for a person's surname.
# What a company has and a person does not: "Veldman's board", "Veldman's shareholders".
COMPANY_POSSESSIONS: Final[frozenset[str]] = frozenset(
    {"board", "share", "shareholder", "headquarters", "stock", "workforce", "employee", "subsidiary", "revenue",
     "profit", "factory", "plant", "chief", "ceo", "boardroom", "takeover", "stake", "unit"}
)  # fmt: skip

COMPANY_NAME_WORDS: Final[frozenset[str]] = frozenset(
    {
        "pharma",
        "pharmaceuticals",
        "corp",
        "corp.",
        "inc",
        "inc.",
        "ltd",
        "ltd.",
        "plc",
        "llc",
        "gmbh",
        "group",
        "holding",
        "holdings",
        "bank",
        "airlines",
        "airways",
        "motors",
        "energy",
        "capital",
        "partners",
        "media",
        "labs",
        "systems",
        "technologies",
        "industries",
        "insurance",
        "financial",
        "securities",
        "telecom",
        "mining",
        "petroleum",
        "chemicals",
        "logistics",
        "entertainment",
        "studios",
        "ventures",
        "foods",
        "brewery",
        "bancorp",
        "semiconductor",
        "semiconductors",
        "electronics",
        "software",
        "automotive",
        "aerospace",
        "biotech",
        "therapeutics",
        "pharmaceutical",
        "telecoms",
    }
)

# Nouns by which an article goes on to call the one organisation it named ("Boeing ... the company",
# "Oxfam ... the charity").
ORGANISATION_NOUNS: Final[frozenset[str]] = frozenset(
    {
        "company",
        "firm",
        "business",
        "corporation",
        "conglomerate",
        "carmaker",
        "automaker",
        "airline",
        "carrier",
        "bank",
        "lender",
        "insurer",
        "retailer",
        "chain",
        "startup",
        "manufacturer",
        "supplier",
        "operator",
        "broadcaster",
        "publisher",
        "developer",
        "producer",
        "maker",
        "giant",
        "club",
        "charity",
        "organisation",
        "organization",
        "group",
        "agency",
        "foundation",
        "institute",
        "network",
    }
)

# Nouns shaped like agent nouns ("one who merges", "one who reminds") that name things: never actors.
THING_NOUNS: Final[frozenset[str]] = frozenset(
    {
        "merger",
        "waiver",
        "reminder",
        "disclaimer",
        "charter",
        "register",
        "computer",
        "printer",
        "container",
        "trailer",
        "poster",
        "sticker",
        "charger",
        "heater",
        "freezer",
        "shower",
        "reactor",
        "generator",
        "indicator",
        "elevator",
        "monitor",
        "sensor",
        "detector",
        "processor",
        "thriller",
        "current",
        "component",
        "document",
        "precedent",
    }
)

# Verbs of being and having: "X will include Y", "will cost $2 billion" says what will be, not what
# anyone will do (base forms, as they stand after "will", like UNDERGOING_VERBS).
STATIVE_VERBS: Final[frozenset[str]] = frozenset(
    {
        "include",
        "consist",
        "comprise",
        "contain",
        "cost",
        "equal",
        "total",
        "exceed",
        "involve",
        "depend",
        "belong",
        "resemble",
        "mean",
        "lack",
    }
)

# Verbs whose subject undergoes what happens ("Iran will face sanctions", "Kenya will receive
# doses"): the subject plans nothing (base forms, as they stand after "will").
# What one faces only because someone will impose it: "would face prosecution", "will face consequences".
PENALTIES: Final[frozenset[str]] = frozenset(
    {"prosecution", "penalty", "fine", "arrest", "charge", "jail", "prison", "deportation", "expulsion",
     "consequence", "punishment", "reprisal", "retaliation", "dismissal"}
)  # fmt: skip

UNDERGOING_VERBS: Final[frozenset[str]] = frozenset(
    {"face", "receive", "suffer", "undergo", "lose", "incur", "endure", "risk", "inherit"}
)

# What one hopes or fears will happen, not what anyone can be asked to do: how things turn out
# ("expected the state to win", "the bank said prices would rise" is a forecast).
OUTCOME_VERBS: Final[frozenset[str]] = frozenset(
    {"win", "lose", "prevail", "succeed", "recover", "grow", "rise", "fall", "happen", "improve", "survive",
     "increase", "decrease", "decline", "drop", "climb", "slow", "shrink", "ease", "soar", "plunge", "remain",
     "stay", "double", "halve", "peak", "worsen", "slump", "rebound", "accelerate", "contract", "deteriorate"}
)  # fmt: skip

# Outcomes nobody chooses: "the party will lose its majority", "the government would miss the target"
# are forecasts about an actor, whoever says them.
UNCHOSEN_VERBS: Final[frozenset[str]] = frozenset(
    {"win", "lose", "miss", "prevail", "succeed", "survive", "happen", "fail", "suffer", "collapse", "expire",
     "struggle", "need"}
)  # fmt: skip
# The same with a particle: "the agency will run out of money", "the lease would run out".
UNCHOSEN_PHRASAL: Final[frozenset[tuple[str, str]]] = frozenset({("run", "out"), ("go", "under"), ("go", "bust")})

# Verbs of opposing: "would not object" opposes nothing, and undertakes nothing either.
OPPOSING_VERBS: Final[frozenset[str]] = frozenset(
    {"object", "oppose", "resist", "block", "obstruct", "challenge", "contest", "fight"}
)

# Verbs whose "if" clause is a question asked or answered, not a condition ("asked if he would resign").
ASKING_VERBS: Final[frozenset[str]] = frozenset(
    {"ask", "wonder", "know", "see", "check", "decide", "determine", "tell", "say", "question", "doubt", "learn"}
)

# Other words whose lemma the engine reads (reaffirmation, failure, pairs, speech).
LEMMA_EXTRA: Final[frozenset[str]] = frozenset(
    {
        "sign",  # "signed a pact to ..." (service.engines.rules.commitments)
        "comment",  # "declined to comment": no refusal (commitments._NO_COMMENT)
        "elaborate",
        "speculate",
        "again",
        "reiterate",
        "repeat",
        "reaffirm",
        "renew",
        "restate",
        "still",
        "continue",
        "fail",
        "refuse",
        "decline",
        "reject",
        "cease",
        "leader",
        "president",
        "minister",
        "side",
        "country",
        "nation",
        "government",
        "regime",
        "expect",
        "hope",
        "expectation",
        "reach",
        "announce",
        "warn",
        "pledge",
        "promise",
        "confirm",
        "decide",
        "think",
        "believe",
        "agree",
        "ultimatum",
        "threat",
        "threaten",
        "unless",
        "set",
        "due",
        "schedule",
        "retain",
        "will",
    }
)
