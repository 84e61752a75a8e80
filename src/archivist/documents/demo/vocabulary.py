"""Names, places and counts the demo business data is made of (see `data.py`)."""

from __future__ import annotations

COUNTRIES: list[tuple[str, str, str, list[str]]] = [
    # name, ISO code, calling code, cities
    (
        "United States",
        "US",
        "1",
        ["Fremont", "Stockton", "Tracy", "Fairfield", "Turlock", "Boston"],
    ),
    ("Belgium", "BE", "32", ["Brussels", "Antwerp", "Ghent", "Liège", "Namur", "Bruges"]),
    ("France", "FR", "33", ["Paris", "Lyon", "Lille", "Nantes", "Bordeaux", "Toulouse"]),
    ("Germany", "DE", "49", ["Berlin", "Hamburg", "Munich", "Cologne", "Leipzig", "Bremen"]),
    ("United Kingdom", "GB", "44", ["London", "Leeds", "Bristol", "Glasgow", "York", "Cardiff"]),
    ("Netherlands", "NL", "31", ["Amsterdam", "Utrecht", "Rotterdam", "Eindhoven", "Delft"]),
    ("Spain", "ES", "34", ["Madrid", "Barcelona", "Valencia", "Seville", "Bilbao"]),
    ("Italy", "IT", "39", ["Rome", "Milan", "Turin", "Bologna", "Florence", "Genoa"]),
    ("Canada", "CA", "1", ["Toronto", "Montreal", "Ottawa", "Calgary", "Vancouver"]),
    ("Switzerland", "CH", "41", ["Zurich", "Geneva", "Basel", "Bern", "Lausanne"]),
]
COMPANY_SUFFIXES = {
    "US": ["Inc", "LLC", "Corp"],
    "BE": ["SA", "NV", "SRL"],
    "FR": ["SAS", "SARL", "SA"],
    "DE": ["GmbH", "AG", "KG"],
    "GB": ["Ltd", "PLC", "& Sons"],
    "NL": ["BV", "NV"],
    "ES": ["SL", "SA"],
    "IT": ["SRL", "SpA"],
    "CA": ["Inc", "Ltd"],
    "CH": ["AG", "SA", "GmbH"],
}
STREETS = [
    "Main Street", "Oak Avenue", "Station Road", "Market Square", "Park Lane", "Church Street",
    "Harbour Road", "Mill Lane", "Rue Royale", "Avenue Louise", "Hauptstraße", "Via Roma",
    "Calle Mayor", "Kerkstraat", "Industrial Park", "Riverside Drive", "Elm Street", "High Street",
]  # fmt: skip
COMPANY_PREFIXES = [
    "Blue Harbor", "Silver Oak", "Northwind", "Red Maple", "Granite", "Bright Line", "Summit",
    "Evergreen", "Crescent", "Atlas", "Pioneer", "Horizon", "Riverside", "Golden Gate", "Ironwood",
    "Sunrise", "Clearwater", "Highland", "Cedar", "Lakeside", "Westbrook", "Kingsley", "Orchard",
    "Meridian", "Blackstone", "Harvest", "Falcon", "Beacon", "Willow", "Stonebridge", "Coastal",
    "Prairie", "Alpine", "Union", "Heritage", "Nova", "Sterling", "Maplewood",
]  # fmt: skip
CUSTOMER_CORES = [
    "Interiors", "Furniture", "Office Solutions", "Design Studio", "Architects", "Hotels",
    "Home Living", "Workspace", "Construction", "Retail", "Builders", "Properties", "Decor",
    "Consulting", "Kitchens", "Realty", "Hospitality", "Living Spaces", "Projects", "Outfitters",
]  # fmt: skip
VENDOR_CORES = [
    "Timber", "Steel Works", "Textiles", "Hardware", "Lighting", "Glassworks", "Paints",
    "Upholstery", "Plastics", "Fittings",
]  # fmt: skip
FIRST_NAMES = [
    "Adam", "Alice", "Amelia", "Andrew", "Anna", "Arthur", "Beatrice", "Benjamin", "Bruno",
    "Camille", "Carlos", "Charlotte", "Chloe", "Daniel", "David", "Eva", "Emma", "Ethan", "Felix",
    "Florence", "Gabriel", "Grace", "Hannah", "Hugo", "Isabel", "Jack", "Jacob", "James", "Julia",
    "Karen", "Laura", "Leo", "Lisa", "Lucas", "Lucy", "Marco", "Maria", "Martin", "Mia", "Nathan",
    "Nina", "Noah", "Olivia", "Oscar", "Paul", "Peter", "Rachel", "Robert", "Rosa", "Samuel",
    "Sarah", "Sofia", "Sophie", "Thomas", "Tom", "Victor", "Walter", "William", "Zoe", "Yusuf",
]  # fmt: skip
LAST_NAMES = [
    "Adams", "Allen", "Baker", "Bauer", "Bernard", "Bianchi", "Brooks", "Campbell", "Carter",
    "Clark", "Collins", "Dubois", "Evans", "Fischer", "Fontaine", "Garcia", "Gomez", "Hall",
    "Harris", "Hughes", "Jansen", "Janssens", "King", "Klein", "Lambert", "Lee", "Lopez", "Martin",
    "Meyer", "Miller", "Moreau", "Morgan", "Murphy", "Nelson", "Novak", "Parker", "Peeters",
    "Perez", "Ricci", "Roberts", "Rossi", "Schmidt", "Scott", "Smith", "Taylor", "Turner", "Visser",
    "Wagner", "Walker", "Weber", "White", "Wilson", "Wright", "Young", "Keller", "Costa",
]  # fmt: skip
PRODUCT_MATERIALS = [
    "Oak", "Walnut", "Steel", "Glass", "Bamboo", "Leather", "Fabric", "Aluminium", "Maple", "Pine",
]  # fmt: skip
PRODUCT_ITEMS = [
    "Office Chair", "Desk", "Drawer", "Cabinet", "Bookshelf", "Sofa", "Lamp", "Conference Table",
    "Stool", "Coat Rack", "Filing Cabinet", "Monitor Stand",
]  # fmt: skip
LEAD_TEMPLATES = [
    "Quote for {n} {item} units", "Interest in {item}", "Furnish new headquarters",
    "Meeting room equipment", "Office refurbishment", "{n} {item} units for open space",
    "Replacement of {item} stock", "Showroom furniture", "Design consultation",
]  # fmt: skip
PROJECT_KINDS = [
    "Office Fit-out", "Showroom Redesign", "Warehouse Layout", "Reception Makeover",
    "Meeting Rooms", "Cafeteria Refurbishment", "Open Space Planning", "Lighting Upgrade",
    "Ergonomics Audit", "Furniture Rollout",
]  # fmt: skip
TASK_VERBS = [
    "Review", "Prepare", "Order", "Install", "Validate", "Measure", "Draft", "Deliver", "Plan",
    "Approve",
]  # fmt: skip
TASK_OBJECTS = [
    "floor plan", "material samples", "budget", "lighting layout", "furniture list", "quotation",
    "delivery schedule", "site survey", "colour palette", "electrical plan", "acoustic panels",
    "signage",
]  # fmt: skip
JOB_TITLES = {
    "Administration": ["Office Manager", "Accountant", "Receptionist"],
    "Sales": ["Account Manager", "Sales Representative", "Inside Sales"],
    "Research & Development": ["Developer", "Product Designer", "Engineer"],
    "Management": ["Director", "Chief Operating Officer", "Project Director"],
    "Professional Services": ["Consultant", "Interior Designer", "Installer"],
    "Long Term Projects": ["Researcher", "Project Engineer"],
    "Human Resources": ["HR Officer", "Recruiter", "Payroll Officer"],
}
DEPARTMENTS = [  # (name, parent name)
    ("Administration", None),
    ("Sales", None),
    ("Research & Development", None),
    ("Management", None),
    ("Professional Services", None),
    ("Long Term Projects", "Research & Development"),
    ("Human Resources", None),
]
# name, login, sales team (None: not a salesperson)
USERS = [
    ("Mitchel Admin", "admin", "Website"),
    ("Marc Demo", "marc", "America"),
    ("Anita Oliver", "anita", "Europe"),
    ("Abigail Peterson", "abigail", "Europe"),
    ("Doris Cole", "doris", "Direct Sales"),
    ("Joel Willis", "joel", "Pacific"),
]
TEAMS = [  # name, leader login
    ("Europe", "anita"),
    ("America", "marc"),
    ("Pacific", "joel"),
    ("Website", "admin"),
    ("Direct Sales", "doris"),
]
NAMED_CUSTOMERS = [  # name, country code, city
    ("Azure Interior", "US", "Fremont"),
    ("Deco Addict", "US", "Pleasant Hill"),
    ("Gemini Furniture", "US", "Fairfield"),
    ("Ready Mat", "US", "Tracy"),
    ("Lumber Inc", "US", "Stockton"),
    ("Wood Corner", "US", "Turlock"),
    ("The Jackson Group", "US", "Boston"),
]
NAMED_VENDORS = [("Furniture Supplies Ltd", "GB"), ("Steel & Co", "BE"), ("Fabric World", "FR")]
PROJECT_TAGS = ["Internal", "External", "Design", "Urgent", "Construction", "Maintenance"]

N_CUSTOMER_COMPANIES = 300
N_VENDOR_COMPANIES = 40
N_PEOPLE = 1500
N_EMPLOYEES = 60
N_SALE_ORDERS = 2000
N_INVOICES = 1000
N_PURCHASE_ORDERS = 300
N_LEADS = 800
N_PROJECTS = 40
N_TASKS = 400
