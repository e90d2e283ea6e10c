"""The rules engine's challenge set (issue 12): written for this project, not taken from any corpus.

Short statements that make no commitment (negated, denied, hypothetical, done, an opinion) and
must yield none, beside genuine ones in similar words that must still be found, each with its
kind. `tests/test_rules_truth.py` holds the engine to every case; `bench/eval.py` prints the pass
rates beside those of a held-out set the rules were never tuned on (`bench/heldout_statements.py`).
"""

from __future__ import annotations

NOTHING = [
    # negated, including fronted negatives
    "We are not pre-committing to a particular rate path, the central bank's president Christine Lagarde said.",
    "The government did not agree to the proposal.",
    "At no point did the government promise to cut taxes.",
    "Under no circumstances did the mayor promise to reopen the stadium.",
    "The governor never promised to lower tuition.",
    "Germany has not pledged to send more tanks, the defence ministry said.",
    "The senator did not say the party would back the bill.",
    "The prime minister is not planning to call an early election, his office said.",
    # denied
    "The ministry denied plans to close the embassy.",
    "Canada dismissed reports that it would withdraw its ambassador.",
    "The club denied claims that it had agreed to sell the striker.",
    "The minister refused to rule out new sanctions.",
    "The finance minister rejected reports that the government would devalue the currency.",
    # hypothetical
    "The company could raise prices next year.",
    "The United Nations would help if asked, the spokesman said.",
    "Japan might join the talks if the conditions change.",
    "The cabinet is weighing a plan to raise taxes.",
    # opinions, not one's own threat
    "The union warned against cutting wages too early.",
    "Russia warned that the sanctions could backfire.",
    "Economists warned of a recession next year.",
    "The senator did not say the party would not agree to cut taxes.",  # a refusal, itself not said
    # courtesies, regrets and forecasts in the shape of undertakings
    "We want to thank every city that applied, the agency said.",
    '"Houston should have been chosen," the mayor said.',
    "The airline's chief executive offered an apology for the delays.",
    "The full effect of the reform will be felt by 2040, the ministry said.",
    # not yet, nothing, done
    "The ministry has yet to commit to a timetable for the reforms.",
    "Iran is yet to agree to the inspections, diplomats said.",
    "The mayor promised nothing, saying only that the city was studying the plan.",
    "Japan and Chile signed the treaty in 1998.",
    "The minister called on Turkey during his tour of the region.",
    "Guyana and Suriname will not immediately join the bloc, officials said.",
    # a subject that names no one: nobody commits
    "No airline will resume flights to the island this month, the regulator said.",
    "Not a single member state vowed to raise its contribution.",
    "Neither party agreed to the mediator's timetable.",
    "Few donors have pledged to cover the shortfall.",
    # no plan had, an agreement left out, an activity praised
    "The province has no plans to reopen the mine.",
    "The envoy left Geneva without agreeing to a new round of talks.",
    "Diplomats praised Ghana's efforts to curb smuggling.",
    # an undertaking withdrawn, abandoned or broken; deliberation
    "Norway withdrew its offer to mediate between the two sides.",
    "The utility abandoned its plan to build a second reservoir.",
    "The coach backed away from his promise to play younger players.",
    "Vietnam said it would consider joining the initiative.",
    # a forecast, hearsay, an open question or a rumour about an actor, not its undertaking
    "Hungary is unlikely to approve the new sanctions package.",
    "The militia is thought to be planning attacks on the capital.",
    "It remains unclear whether Canada will join the mission.",
    "Reports that Boeing will move its headquarters were dismissed by the company.",
    "Analysts say the central bank will cut rates in September.",
    "Will the city reopen the library? The mayor declined to comment.",
    # a thing that "threatens" or "promises" is no actor; a kind described is no one's undertaking
    "The storm threatened to flood the lower town.",
    "The merger threatens to cost thousands of jobs.",
    "Firms that plan to bid must register by Friday.",
    # what will be, foreseen: one of two outcomes, some of a kind, a state, a thing undergone
    '"Many clinics will raise their prices or they will close," the health minister said.',
    "The new authority will include every province in the north.",
    "Portugal will receive the first tranche of the loan in May.",
    '"Prices will rise by 3% next year," the central bank said.',
    # what may yet be done: a modal of possibility on the cue itself
    "Shareholders may vote to oust the chairman at next month's meeting.",
    "The company could agree to pay the fine, its lawyers said.",
    # a fact denied, a view dismissed, a claim insisted on, no comment
    "The company has denied wrongdoing.",
    "The government dismissed the criticism as unfounded.",
    "The minister insisted that the ruling had been fair.",
    "The committee would not comment on the talks.",
    # asked, not asking: a participle the parser took for the main verb
    'The finance minister, asked whether the government would raise taxes, said: "That is not on the table."',
    # a view shared is no agreement; an idiom of no agreement; a forecast by onlookers; an outcome undergone
    "Most economists agree the recession is over.",
    "The minister agreed with critics that the reform had gone too far.",
    "The two leaders agreed to disagree on the question of tariffs.",
    "Investors expect the central bank to raise rates in March.",
    "Unless parliament acts by Friday, the agency will run out of money.",
    "The hospital will run out of beds within days, doctors warned.",  # a warning of an outcome, no threat
    # a promise failed, gone back on
    "The government failed to deliver on its promise to build 300,000 homes.",
    "The prime minister backtracked on his promise to hold a referendum.",
    "The ruling party went back on its promise to build more homes.",
    "The regulator rowed back on its promise to publish the audit.",
    # an intention overtaken ("had hoped to"); a forecast about a thing; what others may do to us
    "The airline had hoped to resume flights to Kyiv by June.",
    "The builder had planned to finish the tower this year, but the steel never came.",
    "The company signed the contract in May but now expects it to slip into next year.",
    '"We will not be blackmailed," the foreign minister said.',
    "The rebels prepared to abandon the town as government troops advanced.",  # preparations told
    "Talks aimed at reaching a deal on the border resumed in Geneva.",  # a deal sought, not made
    # a warning of what others could do, or of what could happen, is a view
    "Economists warned that dockworkers could strike if inflation persists.",
    "The minister warned that prices could rise if the strike continues.",
    "The UN warned of war in the region.",  # what may come, not the UN's deed
    "Analysts warned of retaliation by Russia.",  # someone else's
    # a pact or threat backed out of, backed down on
    "The party backed out of its agreement to share power.",
    "The union backed down on its threat to strike.",
    # agreed on nothing; a refusal told as an inverted plan
    "Serbia and Kosovo agreed on nothing after ten hours of talks.",
    "The charity will not raise enough money to rebuild the school.",  # a shortfall foreseen, not refused
    "There will be no rain in the south tomorrow, forecasters said.",
    "The minister did not say there would be no amnesty.",
    "The allegations, which the company rejects, came from a former employee.",  # a denial of a claim
    '"Over my dead body will this hospital close," the mayor said.',
    # a pact known or old, signed; a truce sought or not made by a go-between
    "Japan and Chile signed a treaty in 1998.",
    "Egypt is trying to broker a truce between Israel and Islamic Jihad.",
    "Qatar did not broker the deal between the two factions.",
    "The minister did not warn Iran against enriching uranium.",
    # a view of what another will do; a promise kept; an undertaking called off; a claim of everything
    "Supporters hope the senator will back the bill.",
    "Officials believe the army will withdraw from the town next week.",
    "The firm promised investors a dividend and delivered it in March.",
    "The presidents were to meet in Vienna on Friday, but the meeting was cancelled.",
    "The carrier planned to cut 800 jobs, but the plan was shelved after talks with unions.",
    '"They promise everything and deliver nothing," the prime minister said.',
    "What the government promised was never delivered.",
    "The carmaker warned that buyers would face delays of up to a year.",  # what others will undergo
]

FOUND = [
    ("The union threatened to walk off the job on Monday.", "threat"),
    ("The secretary urged both sides to resume talks.", "demand"),
    ("Brazil warned it would retaliate against any tariffs.", "threat"),
    ("The company ruled out layoffs this year.", "refusal"),
    ('"We will rebuild the bridge," the mayor said.', "plan"),
    ("The government will not accept the ruling, the minister said.", "refusal"),
    ("Germany pledged to send more tanks to Ukraine by March.", "promise"),
    ("The mayor promised to reopen the stadium if the council approves the budget.", "promise"),
    ("Canada refused to withdraw its ambassador.", "refusal"),
    ("The parliament rejected the plan to privatise the railways.", "refusal"),  # a plan rejected is refused
    ("The International Longshore and Warehouse Union threatened to strike.", "threat"),
    # negation the parse does not attach: quoted, or set off by commas
    ('China said it would "absolutely not" agree to the target.', "refusal"),
    ("Brazil will, frankly, never sign the deal, its president said.", "refusal"),
    ("Germany will not agree to send troops to the border.", "refusal"),  # the negative is the cue's own
    # a fronted clause of what was done, then the undertaking, its subject a pronoun
    ("Not only did the cabinet approve the tax cut, it also vowed to extend it.", "promise"),
    # many states as one subject; a verb the parser takes for an adjective ("to triple")
    ("More than 100 countries pledged to triple renewables by 2030.", "promise"),
    ("Dozens of nations agreed to share the costs of the new telescope.", "agreement"),
    ("Dockworkers threatened on Sunday to walk off the job at 14 ports.", "threat"),
    # a pact's infinitive is what its signatories agreed; a vote down is a refusal
    ("Peru and Bolivia signed a pact to share water from the lake.", "agreement"),
    ("The city council voted down a plan to close the library.", "refusal"),
    # "no one will be <harmed>" spares people (a promise); "no X will be given / let in" withholds
    ("The interior minister said no refugees would be sent back while the courts review the law.", "promise"),
    ("Thames Water said nobody would be cut off during the drought.", "promise"),
    ("The general said no journalists will be allowed into the border zone.", "refusal"),
    ("The ministry said no new licences will be granted to coal mines.", "refusal"),
    ("One will be chosen in May, the council said.", "plan"),  # "one" alone names someone
    # the speaker of a quote, named before a participle ("..., saying:", "..., adding that")
    ('The central bank governor spoke in Frankfurt, saying: "We will raise rates in June."', "plan"),
    # a group named by its role in the sentence before a "they"
    ("Researchers at the institute reviewed the data. They urged the ministry to ban the pesticide.", "demand"),
    # a plan or a standing policy had; a deal signed to do something; a gerund done alongside
    ("The opposition has a plan to repeal the tax within a year.", "plan"),
    ("Australia has long maintained a policy of turning back asylum boats.", "refusal"),
    ("Qantas signed a deal to buy 20 jets from Airbus.", "agreement"),
    ("The governor ended the tour after pledging to rebuild the school.", "promise"),
    # one offer to someone, not two; what an owner will do with its thing
    ("Microsoft offered the students internships.", "promise"),
    ("Tesla's new factory, which will be opened in March, will employ 5,000 people.", "plan"),
    ("The treaty will be signed in Paris next week, the foreign ministry said.", "plan"),
    # an announcement, then what it arranges in the passive
    (
        "The transport ministry unveiled its rail plan on Monday. The northern line will be extended to the airport.",
        "plan",
    ),
    # a trade or an institution named by what it does ("contractors", "the carmaker")
    ("The contractors vowed to finish the bridge before the rainy season.", "promise"),
    ("The carmaker pledged to build a battery plant in Ohio.", "promise"),
    ("Pharmacists have demanded a review of the prescription rules.", "demand"),
    # an asking verb with nothing asked is an action; sanctions someone "will face" are a threat
    ("The club said it would appeal the ban.", "plan"),
    ("Iran will face new sanctions if it enriches uranium further, the ministers said.", "threat"),
    # a name in capitals the tagger took for "who"; "be going to" as "will"; a refusal of a courtesy
    ("The WHO urged countries not to hoard vaccines.", "demand"),
    ('"We are not going to raise taxes," the finance minister told reporters.', "refusal"),
    ("The prime minister refused to apologise for the remarks.", "refusal"),
    # advice to someone is a demand of them; a thing asked for, denied, is refused
    ("Police warned drivers to avoid the motorway.", "demand"),
    ("The court denied bail to the three men.", "refusal"),
    # an ultimatum; what a pact binds a party to; retaliation promised for another's act
    ("The prime minister has given the rebels 48 hours to lay down their weapons.", "demand"),
    ("The deal requires Iran to reduce its stockpile of enriched uranium.", "agreement"),
    ('"If they attack us, we will respond with force," the general said.', "threat"),
    # whom a promise is made to is no second promise
    ("The council promised residents that the library would reopen in spring.", "promise"),
    # agreement on what is to be done, beside a view shared; revenge vowed is a threat
    ("The ministers agreed that troops should withdraw by May.", "agreement"),
    ("Israel and Hamas agreed that hostages will be released in stages.", "agreement"),
    ("The militia vowed revenge after the air strike.", "threat"),
    # a promise kept in the future is still undertaken; a demand of another by the one who expects it
    ("The mayor said the city would keep its promise to rebuild the pier.", "plan"),
    ("Moscow expects Ankara to withdraw its troops from the border.", "demand"),
    ("The airline had agreed to refund every passenger by June.", "agreement"),
    ("The president said he is prepared to lift the ban on the party.", "promise"),
    # a deal made is an agreement, with or without an infinitive saying what it is to do
    ("The players' union said it had reached a tentative deal with the league on a new contract.", "agreement"),
    ("Ukraine and Poland struck a deal on grain imports.", "agreement"),
    ("The union reached a deal with the league to end the lockout.", "agreement"),
    # pressure the speakers' side could bring if a condition is not met; force promised for a deed
    ("Teachers could strike next month unless the government raises pay, their union warned.", "threat"),
    ("The rebels warned they would retaliate if attacked.", "threat"),
    ("Union leaders warned that any attempt to cut pensions would be met with a general strike.", "threat"),
    ('Beijing warned of "strong countermeasures" if the arms sale goes ahead.', "threat"),
    # what the speaker withholds; an answer in kind held out
    ('"There will be no amnesty for the organisers," the interior minister said.', "refusal"),
    ('"There will be no tax hikes," the chancellor said.', "refusal"),
    ("North Korea vowed to respond to any provocation.", "threat"),
    # allies and juntas act; an advance on a capital is a threat
    ("Nato allies agreed to spend at least 2% of GDP on defence.", "agreement"),
    ("The junta gave French troops a month to leave the country.", "demand"),
    ("The rebels vowed to march on the capital.", "threat"),
    ("The unions will march on Sunday, their leaders said.", "plan"),
    # a pledge signed; states of a kind or of a bloc
    ("Forty companies signed a pledge to cut emissions by half.", "promise"),
    ("Small island states demanded that rich nations pay for loss and damage.", "demand"),
    ("EU member states agreed to cap gas prices.", "agreement"),
    # guidance signalled is a plan said
    ("The Federal Reserve held rates steady and signalled it would cut them twice this year.", "plan"),
    # what one wants another to do
    ("Washington wants Israel to allow more aid into Gaza, officials said.", "demand"),
    # the idiom of never
    ('The minister said the tax would be scrapped "over my dead body".', "refusal"),
    # a plan approved is the approver's
    ("The council approved a plan to build 5,000 homes, despite objections from residents.", "plan"),
    # a new pact signed is its signatories' agreement; one brokered is that of the two it is between
    ("Armenia and Azerbaijan signed a peace agreement in Washington on Friday.", "agreement"),
    ("The rebels and the army signed a ceasefire on Sunday, the first in two years.", "agreement"),
    ("Egypt brokered a truce between Israel and Islamic Jihad on Saturday.", "agreement"),
    # someone warned off a deed is asked not to do it; pressure held until another gives way is a threat
    ("Beijing warned Manila against any further attempt to resupply the outpost.", "demand"),
    ("The farmers vowed to block border crossings until the government withdraws the tariff.", "threat"),
    # what a cleft says was demanded; a strike called though other things were delayed; one's own terms
    ("What the nurses demanded was a 12 percent pay rise.", "demand"),
    ("The dockers will strike on Monday, but the talks were delayed.", "threat"),
    ("The coach said he will resign if he fails to win the cup.", "plan"),
    ("The ministry warned that smugglers would face prosecution.", "threat"),  # a penalty it will impose
]
