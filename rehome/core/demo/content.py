"""Words for the demo workspaces: firms, people, projects, tasks, chat lines."""

from __future__ import annotations

DEMO_PASSWORD = "renovate-2026"

FIRMS = [
    {
        "name": "Oakline Renovations",
        "domain": "oakline.demo",
        "people": [
            ("admin", "Olivia Oak", None),
            ("team", "Tomas Reyes", "team"),
            ("team2", "Priya Shah", "team"),
            ("consultant", "Carl Engstrom", "consultant"),
            ("client", "Claire Dubois", "client"),
            ("client2", "Marcus Bell", "client"),
        ],
        "projects": [
            ("Kitchen remodel · 14 Elm Street", "14 Elm Street, Springfield", ["client"]),
            ("Bathroom refresh · 7 Harbor Lane", "7 Harbor Lane, Springfield", ["client2"]),
            ("Attic conversion · 22 Ridge Road", "22 Ridge Road, Shelbyville", ["client2"]),
        ],
    },
    {
        "name": "Northbeam Builders",
        "domain": "northbeam.demo",
        "people": [
            ("admin", "Nora Beam", None),
            ("team", "Ivan Petrov", "team"),
            ("team2", "Grace Kim", "team"),
            ("consultant", "Hugo Martins", "consultant"),
            ("client", "Sofia Lind", "client"),
            ("client2", "Omar Haddad", "client"),
        ],
        "projects": [
            ("Basement finish · 3 Birch Court", "3 Birch Court, Portland", ["client"]),
            ("Deck and patio · 91 Lake View", "91 Lake View, Portland", ["client2"]),
            ("Whole-home rewire · 5 Mill Street", "5 Mill Street, Gresham", ["client"]),
        ],
    },
]

TASK_TITLES = [
    "Order {m} samples",
    "Confirm {m} delivery date",
    "Demolish old {r}",
    "Install {m}",
    "Inspect {r} wiring",
    "Patch and prime {r} walls",
    "Get permit for {r}",
    "Measure {r} for {m}",
    "Review quote for {m}",
    "Schedule plumber for {r}",
    "Seal {r} floor",
    "Paint {r} ceiling",
    "Replace {r} window trim",
    "Pick {m} colour with client",
    "Move furniture out of {r}",
    "Check moisture in {r}",
    "Fit {m} in {r}",
    "Final clean of {r}",
    "Photograph finished {r}",
    "Fix squeaky {r} floorboard",
]
MATERIALS = [
    "tile",
    "oak flooring",
    "quartz worktop",
    "drywall",
    "insulation",
    "vanity unit",
    "LED downlights",
    "kitchen cabinets",
    "skirting boards",
    "shower screen",
    "decking boards",
]
ROOMS = ["kitchen", "bathroom", "hallway", "attic", "basement", "living room", "bedroom", "deck"]

CHAT_LINES = [
    "Delivery of the {m} moved to Thursday morning.",
    "Can we get a quick call about the {r} layout?",
    "Photos of the {r} are uploaded, have a look when you can.",
    "The inspector signed off on the {r}. 🎉",
    "We found some rot under the {r} floor, I'll send a quote for the extra work.",
    "Is anyone on site tomorrow before 9? The {m} arrives early.",
    "Please keep the {r} door closed, the dust sheets are up.",
    "Updated the board: {r} is blocked until the {m} arrives.",
    "Thanks, the {m} looks great!",
    "Reminder: skip collection is on Friday.",
    "I've ordered the {m}, lead time is about two weeks.",
    "Could we swap the {m} for something lighter?",
    "**Heads up:** water will be off in the {r} from 10 to 12.",
    "Budget check: we're still within the {m} allowance.",
    "Electrician confirmed for Monday in the {r}.",
]
INTERNAL_LINES = [
    "Internal: supplier margin on the {m} is 18%, don't quote below list.",
    "Internal: client is slow to pay, hold the {r} finish until the invoice clears.",
    "Internal: subcontractor for the {r} needs a reminder about safety gear.",
]
