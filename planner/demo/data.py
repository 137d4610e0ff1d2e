"""The demo's constants and the word lists its generator draws from."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, TypeVar

from django.db import models

from planner.enums import (
    MealKind,
    RoomKind,
)

DEMO_SLUG = "eccv-demo"
DEMO_SOURCE = "demo"
DEMO_IMPORT_SOURCE = "seed_demo"
DEMO_TIMEZONE = "Asia/Jerusalem"
DEFAULT_START = dt.date(2026, 10, 22)
DEFAULT_SEED = 2022
CONFERENCE_DAYS = 5
# uuid5 namespace for the demo's client-side ids (conversations, meetups, photos).
DEMO_NAMESPACE = uuid.UUID("6f1d3c52-8b7e-5a41-9c0d-2e4b6a8f1c37")

ORGANIZER_USERNAME = "organizer"
ATTENDEE_USERNAME = "attendee"
ADMIN_USERNAME = "admin"
SYNTHETIC_ATTENDEES = 30
PAPER_COUNT = 840
PERSON_COUNT = 1900
BOOTH_COUNT = 36

# The program as first imported is version 1; the demo then replays an organizer's later
# edits: version 2 moves a poster session and retitles a paper, version 3 cancels a workshop.
IMPORT_VERSION = 1
MOVE_VERSION = 2
CANCEL_VERSION = 3
MOVE_BY = dt.timedelta(minutes=15)

ModelT = TypeVar("ModelT", bound=models.Model)
Row = dict[str, Any]


# --- word lists -----------------------------------------------------------------------------
# Data tables read better packed than one word per line, so the formatter leaves them be.
# fmt: off

FIRST_NAMES = [
    "Aarav", "Abebe", "Adaeze", "Aiko", "Alejandro", "Amara", "Anders", "Ana", "Arjun", "Ayla",
    "Bao", "Beatriz", "Bilal", "Carmen", "Chen", "Chiara", "Dafna", "Daniel", "Dmitri", "Elif",
    "Emeka", "Eitan", "Fatima", "Felix", "Hana", "Hamid", "Ines", "Ingrid", "Ivan", "Jae-won",
    "Jonas", "Kai", "Kavya", "Keanu", "Kofi", "Lars", "Leila", "Liang", "Lucia", "Mateo",
    "Mei", "Mira", "Nadia", "Niamh", "Noa", "Olu", "Omar", "Pablo", "Priya", "Rafael",
    "Rina", "Ruth", "Sami", "Sanjay", "Sofia", "Tal", "Tomasz", "Wei", "Yara", "Yuki",
    "Zanele", "Zhen",
]
LAST_NAMES = [
    "Abramov", "Adeyemi", "Alvarez", "Amsalem", "Andersen", "Bakshi", "Barak", "Becker",
    "Bergström", "Carvalho", "Castillo", "Chandra", "Cohen-Levy", "Da Silva", "Dahan",
    "Dimitrov", "Dubois", "Eriksen", "Farouk", "Fischer", "Fujimoto", "Gallo", "Garcia",
    "Ghosh", "Haddad", "Hansen", "Hoffmann", "Huang", "Ibrahim", "Ito", "Ivanova", "Jansen",
    "Kapoor", "Kaplan", "Kim", "Kowalski", "Kumar", "Laine", "Lambert", "Lee", "Lindqvist",
    "Liu", "Mansour", "Marino", "Mendes", "Mizrahi", "Moreau", "Müller", "Nakamura", "Nguyen",
    "Novak", "Nowak", "Okafor", "Olsen", "Ortiz", "Park", "Patel", "Peretz", "Petrov",
    "Rahman", "Rao", "Reyes", "Rossi", "Sato", "Schmidt", "Shapiro", "Silva", "Singh",
    "Sokolov", "Suzuki", "Tanaka", "Tran", "Varga", "Wang", "Weiss", "Yamada", "Yilmaz",
    "Zhang", "Zhou", "Zilberman",
]
# Made-up place words: affiliations are built from these, never real institutions.
PLACES = [
    "Northbrook", "Lakemont", "Silverpine", "Eastvale", "Redwater", "Kingsmere", "Brightwater",
    "Highcliff", "Coldspring", "Elmstead", "Westhaven", "Fairhollow", "Greyfield", "Amberly",
    "Thornbury", "Windermoor", "Hollowmere", "Saltmarsh", "Glenhaven", "Ravensford",
    "Copperhill", "Mistvale", "Larkspur", "Stonemere",
]
AFFILIATION_PATTERNS = [
    "{place} University",
    "University of {place}",
    "{place} Institute of Technology",
    "{place} Polytechnic",
    "{place} College of Engineering",
    "{company} Research",
    "{company} AI Lab",
]
SYLLABLES_A = [
    "Zel", "Orv", "Quan", "Vex", "Lumi", "Tral", "Nexo", "Kyra", "Solv", "Bri", "Arvo",
    "Mirel", "Cind", "Ferr", "Heli", "Isov", "Jun", "Kelv", "Lyr", "Morr", "Novu", "Opt",
    "Pyx", "Qir", "Relv", "Syl", "Tav", "Umbr", "Vorn", "Wyn",
]
SYLLABLES_B = ["a", "ion", "ix", "ora", "ent", "yx", "is", "um", "ara", "eon", "ica", "o"]
SECTORS = ["Vision", "Robotics", "Imaging", "Sensing", "AI", "Labs", "Optics", "Dynamics",
           "Systems", "Analytics", "Mobility", "Medical"]
PRODUCTS = [
    "edge inference chips", "annotation platforms", "depth cameras", "autonomous forklifts",
    "surgical imaging software", "synthetic training data", "drone mapping tools",
    "retail analytics", "LiDAR sensors", "model compression toolkits", "3D capture rigs",
    "video search engines", "agricultural robots", "AR headsets",
]
BOOTH_ACTIVITIES = [
    "live demos every hour", "a hiring chat with our research team", "stickers and T-shirts",
    "a hands-on robot arm demo", "our open dataset launch", "a coffee and a chat",
]

TRACKS: list[tuple[str, str]] = [
    ("3D Vision", "#1f77b4"),
    ("Recognition", "#ff7f0e"),
    ("Generative Models", "#9467bd"),
    ("Video Understanding", "#2ca02c"),
    ("Robotics & Embodied AI", "#d62728"),
    ("Low-level Vision", "#8c564b"),
    ("Vision + Language", "#e377c2"),
    ("Medical Imaging", "#17becf"),
]
TRACK_WEIGHTS = [18, 20, 16, 12, 8, 9, 11, 6]
TASKS: dict[str, list[str]] = {
    "3D Vision": [
        "Monocular Depth Estimation", "Multi-view Stereo", "Neural Radiance Fields",
        "Point Cloud Registration", "6-DoF Pose Estimation", "3D Scene Reconstruction",
        "Human Mesh Recovery", "Novel View Synthesis",
    ],
    "Recognition": [
        "Object Detection", "Semantic Segmentation", "Instance Segmentation",
        "Fine-grained Classification", "Open-vocabulary Detection", "Long-tailed Recognition",
        "Few-shot Classification", "Domain Adaptation",
    ],
    "Generative Models": [
        "Text-to-Image Synthesis", "Image Editing", "Diffusion Sampling", "GAN Inversion",
        "3D-aware Generation", "Layout-to-Image Generation", "Style Transfer", "Image Inpainting",
    ],
    "Video Understanding": [
        "Action Recognition", "Video Object Segmentation", "Multi-object Tracking",
        "Temporal Action Localization", "Video Prediction", "Optical Flow",
        "Egocentric Video Understanding",
    ],
    "Robotics & Embodied AI": [
        "Visual Navigation", "Grasp Detection", "Embodied Question Answering",
        "Visuomotor Control", "Visual SLAM", "Manipulation from Demonstrations",
        "Sim-to-Real Transfer",
    ],
    "Low-level Vision": [
        "Image Denoising", "Super-Resolution", "Motion Deblurring", "Low-light Enhancement",
        "HDR Imaging", "Learned Image Compression", "Rain Removal",
    ],
    "Vision + Language": [
        "Visual Question Answering", "Image Captioning", "Referring Expression Grounding",
        "Vision-Language Pretraining", "Text-Video Retrieval", "Visual Reasoning",
    ],
    "Medical Imaging": [
        "Lesion Segmentation", "MRI Reconstruction", "Histopathology Classification",
        "Chest X-ray Diagnosis", "Cell Tracking", "Ultrasound Analysis",
        "Surgical Video Analysis",
    ],
}
APPROACHES = [
    "Transformers", "Contrastive Learning", "Diffusion Models", "Implicit Representations",
    "Graph Networks", "Self-supervised Pretraining", "Knowledge Distillation",
    "Sparse Attention", "Test-time Adaptation", "Masked Autoencoders", "Equivariant Networks",
    "Neural Fields", "Prompt Tuning", "Mixture of Experts", "Optimal Transport",
]
ADJECTIVES = [
    "Efficient", "Robust", "Scalable", "Unsupervised", "Self-supervised", "Lightweight",
    "Generalizable", "Calibrated", "Uncertainty-aware", "Label-efficient", "Real-time",
    "Compositional", "Continual", "Hierarchical", "Temporally Consistent", "Geometry-aware",
]
DATA_SOURCES = [
    "Unlabeled Video", "Sparse Views", "Noisy Labels", "Synthetic Data", "Event Cameras",
    "a Single Image", "Web-scale Captions", "LiDAR Sweeps",
]
METHOD_HEADS = [
    "Neu", "Dif", "Trans", "Vox", "Geo", "Flow", "Pix", "Sem", "Mot", "Dyn", "Lumo", "Deep",
    "Scene", "Mesh", "Point", "Gauss", "Spectra", "Hyper", "Omni", "Uni",
]
METHOD_TAILS = [
    "Former", "Net", "Fusion", "Diff", "Track", "Splat", "Field", "Mix", "Align", "Gen", "Seg",
    "Match", "Depth", "Pose", "Nav",
]
TITLE_PATTERNS = [
    "{method}: {adj} {approach} for {task}",
    "{adj} {task} with {approach}",
    "Towards {adj} {task} via {approach}",
    "{method}: {task} from {data}",
    "Rethinking {approach} for {task}",
    "Learning {adj} {task} from {data}",
    "{method}: Scaling {approach} to {task}",
    "When {approach} Meet {task}",
]
ABSTRACT_SENTENCES = [
    "{task} remains challenging when training data is scarce or noisy.",
    "We present {method}, a {adj_l} approach to {task_l} built on {approach_l}.",
    "Our key insight is that {approach_l} can be made {adj_l} with a simple change to the training objective.",
    "Unlike prior work, {method} learns from {data_l} without additional annotation.",
    "We introduce a lightweight module that improves {task_l} at negligible extra cost.",
    "Experiments on four public benchmarks show consistent gains over strong baselines.",
    "{method} runs in real time on a single consumer GPU.",
    "Ablations show that each component contributes to the final accuracy.",
    "Code and models will be released on the project page.",
]
WORKSHOP_ORDINALS = ["1st", "2nd", "3rd", "4th", "5th", "6th", "7th"]
KEYNOTE_TITLES = [
    "Seeing the World in 3D, One Photo at a Time",
    "What Robots Need from Computer Vision",
    "Generative Models as World Simulators",
]
QA_PAIRS = [
    ("How does it behave on out-of-distribution scenes?", "Degrades gracefully; the supplementary has a failure-case gallery."),
    ("What is the training cost?", "About two days on eight GPUs; fine-tuning takes an hour."),
    ("Why not compare against the diffusion baseline?", "Added in the camera-ready; it is slower and about 1 point worse."),
    ("Will the code be released?", "Yes, after the conference, under an MIT licence."),
    ("Does it need camera intrinsics?", "No, they are estimated jointly."),
    ("How sensitive is it to the loss weight?", "Flat between 0.1 and 1.0; they used 0.5 everywhere."),
]
MENUS: dict[str, list[tuple[str, str, list[str]]]] = {
    MealKind.BREAKFAST: [
        ("Shakshuka", "Eggs poached in spiced tomato sauce", ["vegetarian", "kosher", "gluten_free"]),
        ("Israeli salad", "Diced cucumber, tomato and herbs", ["vegan", "vegetarian", "kosher", "halal", "gluten_free"]),
        ("Labneh with za'atar", "Strained yoghurt, olive oil, herbs", ["vegetarian", "kosher", "gluten_free"]),
        ("Fresh bread and pastries", "Challah, bourekas and rolls", ["vegetarian", "kosher"]),
        ("Fruit platter", "Seasonal fruit", ["vegan", "vegetarian", "kosher", "halal", "gluten_free"]),
        ("Hummus and pita", "With tahini and pickles", ["vegan", "vegetarian", "kosher", "halal"]),
    ],
    MealKind.COFFEE: [
        ("Coffee and tea", "Espresso bar, filter coffee, herbal teas", ["vegan", "vegetarian", "kosher", "halal", "gluten_free"]),
        ("Rugelach", "Chocolate and cinnamon", ["vegetarian", "kosher"]),
        ("Gluten-free cookies", "Almond and tahini", ["vegetarian", "kosher", "gluten_free"]),
        ("Dates and nuts", "Medjool dates, almonds, cashews", ["vegan", "vegetarian", "kosher", "halal", "gluten_free"]),
    ],
    MealKind.LUNCH: [
        ("Grilled chicken with herbs", "With roasted potatoes", ["kosher", "halal", "gluten_free"]),
        ("Falafel with tahini", "With pickled vegetables", ["vegan", "vegetarian", "kosher", "halal"]),
        ("Roasted vegetable couscous", "With chickpeas and raisins", ["vegan", "vegetarian", "kosher", "halal"]),
        ("Sabich wrap", "Aubergine, egg, amba", ["vegetarian", "kosher"]),
        ("Baked salmon", "With lemon and dill", ["kosher", "halal", "gluten_free"]),
        ("Quinoa salad", "Herbs, pomegranate, lemon", ["vegan", "vegetarian", "kosher", "halal", "gluten_free"]),
        ("Stuffed peppers", "Rice, herbs and pine nuts", ["vegan", "vegetarian", "kosher", "halal", "gluten_free"]),
    ],
    MealKind.RECEPTION: [
        ("Mezze selection", "Hummus, baba ganoush, tabbouleh", ["vegan", "vegetarian", "kosher", "halal"]),
        ("Grilled vegetable skewers", "With chimichurri", ["vegan", "vegetarian", "kosher", "halal", "gluten_free"]),
        ("Mini kebabs", "Lamb and beef, with tahini", ["kosher", "halal", "gluten_free"]),
        ("Malabi", "Rose-water milk pudding", ["vegetarian", "kosher", "gluten_free"]),
        ("Wine and juices", "Local wines, fresh juices", ["vegan", "vegetarian", "kosher", "gluten_free"]),
    ],
}
MEAL_TITLES = {
    MealKind.BREAKFAST: "Breakfast",
    MealKind.COFFEE: "Coffee break",
    MealKind.LUNCH: "Lunch",
    MealKind.RECEPTION: "Welcome reception",
}
# Rooms: key, name, kind, building, floor, capacity, map x, map y.
ROOMS: list[tuple[str, str, str, str, str, int, float, float]] = [
    ("plenary", "Plenary Hall", RoomKind.HALL, "Pavilion 2", "0", 2500, 0.22, 0.30),
    ("r21", "Room 2.1", RoomKind.ROOM, "Pavilion 2", "1", 600, 0.10, 0.52),
    ("r22", "Room 2.2", RoomKind.ROOM, "Pavilion 2", "1", 400, 0.22, 0.68),
    ("r23", "Room 2.3", RoomKind.ROOM, "Pavilion 2", "1", 250, 0.36, 0.52),
    ("r101", "Room 10.1", RoomKind.ROOM, "Pavilion 10", "1", 300, 0.66, 0.14),
    ("r102", "Room 10.2", RoomKind.ROOM, "Pavilion 10", "1", 200, 0.88, 0.20),
    ("posters-a", "Poster Hall A", RoomKind.POSTER_HALL, "Pavilion 10", "0", 1800, 0.62, 0.42),
    ("posters-b", "Poster Hall B", RoomKind.POSTER_HALL, "Pavilion 10", "0", 1800, 0.88, 0.52),
    ("expo", "Expo Floor", RoomKind.EXPO, "Pavilion 10", "0", 3000, 0.75, 0.78),
    ("foyer", "Pavilion 2 Foyer", RoomKind.FOYER, "Pavilion 2", "0", 1500, 0.30, 0.12),
    ("garden", "Expo Garden", RoomKind.OUTDOOR, "", "", 3000, 0.50, 0.90),
]
# fmt: on
