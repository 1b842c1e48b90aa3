"""The prompts shown beside each part of the Pathway to Change tool, in the product's own words.

Each names the section of the Warwickshire threshold guidance it follows (docs/pathway.md,
"The tool", summarises those sections).
"""

from pathway.models import SituationTopic, UnderstandingKind

SECTION = "Pathway to Change"

SITUATION = {
    SituationTopic.PAST: {
        "prompts": [
            "Look through the chronology first and bring it up to date.",
            "Sum up the patterns you see, the times things went differently, and the events "
            "that mattered most.",
        ],
        "cites": "Pathway to Change: Situation, the past",
    },
    SituationTopic.NOW: {
        "prompts": [
            "What has led to this assessment? Ask the family to put it in their own words and "
            "record those words as theirs.",
            "Agree with the family a way of describing it that you can both work with.",
        ],
        "cites": "Pathway to Change: Situation, what is happening now",
    },
    SituationTopic.TRIGGER: {
        "prompts": [
            "What sets off the things you are worried about? Look for what comes just before "
            "them, for example a message or an argument before a child goes missing.",
        ],
        "cites": "Pathway to Change: Situation, triggers",
    },
    SituationTopic.STRENGTH: {
        "prompts": [
            "What is going well, and who and what the family can draw on. The plan is built "
            "from these.",
        ],
        "cites": "Pathway to Change: Situation, positives and strengths",
    },
    SituationTopic.AFFECTED: {
        "prompts": [
            "Think about each person in the family in turn, and the child most of all: how is "
            "this affecting them?",
            "Notice how you feel about it too; talk to your supervisor about what belongs in "
            "the family's assessment.",
        ],
        "cites": "Pathway to Change: Situation, who is affected and how; Pathway to Change notes",
    },
}

CONTEXT = {
    "prompts": [
        "Note the family's circumstances that shape everything else, such as housing or a low "
        "income.",
    ],
    "cites": "Pathway to Change notes",
}

UNDERSTANDING = {
    UnderstandingKind.KEEPS_GOING: {
        "prompts": [
            "What keeps the situation you are worried about going, and what is getting in the "
            "way of change? Link each point to the Situation entries it rests on.",
        ],
        "cites": "Pathway to Change notes: understanding",
    },
    UnderstandingKind.RISK: {
        "prompts": [
            "What harm could happen in future if nothing changes? That is the risk the plan "
            "sets out to prevent.",
        ],
        "cites": "Pathway to Change notes: understanding",
    },
}

PLAN = {
    "prompts": [
        "For each thing that needs to happen, say what it should achieve. When the plan is "
        "reviewed, the cycle starts again with the Situation.",
    ],
    "cites": "Pathway to Change notes: plan",
}

FACTS_AND_OPINIONS = {
    "prompts": [
        "Keep facts apart from opinions: mark each entry as one or the other, and whose words "
        "it records.",
    ],
    "cites": "Indicators of possible need – Pathway to Change Tool",
}

REVIEW = {
    "prompts": [
        "Go through the assessment with the family and record whether they agree, in their "
        "own words.",
        "Needs change over time: weigh the Spectrum of Support level again now.",
    ],
    "cites": "Indicators of possible need – Pathway to Change Tool; Spectrum of Support",
}
