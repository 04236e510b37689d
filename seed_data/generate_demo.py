"""Generate the Convene demo network: organisations, relationships and contacts as CSV.

Run ``python seed_data/generate_demo.py [OUT_DIR]`` (default: ``seed_data/demo``). The output
follows ``docs/formats.md`` exactly and is deterministic: one ``random.Random(20261125)``
drives every choice and no choice depends on set or hash order, so two runs give identical
bytes. Only the standard library is needed; pycountry, when installed, supplies the country
names used in the generated texts (the codes never depend on it).

Where the data comes from
-------------------------
* **Real organisations** are hand-written in ``demo/stakeholders.json`` from public facts:
  the two networks that joined forces (UN Global Compact Network Netherlands and the SER
  with its covenant parties), eleven Dutch IMVO covenants with their real start dates (and
  end dates where they ended), the Business & Human Rights Accelerator programme, and
  some 70 unions, NGOs, initiatives, ministries, universities and industry associations.
  ``party_to`` lists the covenants a stakeholder really signed.
* **Companies are fictional.** For each sector a profile gives realistic sourcing or
  operating countries (garment: BD, IN, CN, TR, PK ...; natural stone: IN, CN, TR, VN, PT;
  cocoa: CI, GH ...), weighted risk themes (garment: living wage, freedom of association,
  health and safety, gender, child and forced labour, purchasing practices ...), name
  words and activities. A company gets a primary sector and sometimes a related second
  one, 2-5 countries and 2-5 themes drawn from the weighted profiles, a size band, a
  name built from Dutch surnames, regions or invented words, and description, offers and
  seeks texts assembled from varied templates that mention its concrete countries and
  themes. A latent *activity* (Pareto-distributed, larger for bigger companies) makes a
  few organisations hubs.

How the links are made (a latent process, not a matching model)
---------------------------------------------------------------
* ``member_of``: a company joins the covenant of each of its sectors with probability
  0.75 (primary) or 0.4 (secondary), from a date after the covenant's start, until the
  covenant's end if it ended (a few leave early). Covenant members mostly join the SER
  network; companies join the Global Compact network with a probability that grows with
  size, so many are in both. Exactly 26 Global Compact members form the accelerator
  cohort. Stakeholders join the covenants they signed, and the SER network.
* ``partner`` (company-company): every pair gets a weight
  ``exp(1.1 shared sectors + 0.35 shared themes + 0.3 shared countries + 0.9 shared
  covenant + 0.4 both in Global Compact) x activity_a x activity_b`` and a fixed number
  of pairs is drawn without replacement in proportion to the weights.
* ``partner`` (company-stakeholder): weight ``exp(0.45 min(shared theme x country cells,
  6) + 0.5 shared themes + 0.6 shared sectors + 0.15 min(seeks/offers word overlap, 8) +
  0.8 shared covenant) x activities``; stakeholder-stakeholder pairs similarly from shared
  themes, countries, sectors and covenants. About 25 uniformly random partner links are
  added as noise.
* ``supplier_of`` follows value chains (agriculture, cocoa, coffee and tea, vegetable
  proteins -> food products -> retail; mining -> metals -> electronics, construction,
  renewable energy; natural stone and timber -> construction; logistics -> retail, food,
  garment; ICT -> banking, insurance ...), weighted by shared countries and themes, the
  supplier's activity and the customer's size.
* ``introduced`` (past Convene introductions, 2025-2026) are drawn from the same weights
  among pairs not yet linked; five ``dispute`` links (one resolved) connect companies
  with unions or NGOs whose theme x country expertise overlaps the company's risks, and
  one pair of companies.
* Dates lie between 2015 and November 2026, skewed to recent years; some partnerships and
  supply relations have ended (``until``). Symmetric links are written once, with the
  alphabetically first slug as source.

Contacts are fictional (Dutch and international names), 1-3 per organisation, with
unique ``@example.org`` addresses, roles that fit the organisation's kind, ``nl`` mostly
for Dutch organisations, digest mostly weekly, and optional ``+31 6 00 ..`` numbers.
"""

from __future__ import annotations

import csv
import json
import math
import random
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

SEED = 20261125
HERE = Path(__file__).resolve().parent
VOCABULARY_FILE = HERE / "vocabulary.json"
STAKEHOLDERS_FILE = HERE / "demo" / "stakeholders.json"
DEFAULT_OUT = HERE / "demo"

WINDOW_START = date(2015, 1, 1)
LATEST = date(2026, 11, 20)
CONVENE_START = date(2025, 3, 1)

ORGANISATION_COLUMNS = [
    "slug",
    "name",
    "kind",
    "description",
    "offers",
    "seeks",
    "sectors",
    "countries",
    "themes",
    "size_band",
    "website",
    "open_to_introductions",
]
RELATIONSHIP_COLUMNS = ["source", "target", "type", "since", "until"]
CONTACT_COLUMNS = ["organisation", "name", "role", "email", "phone", "language", "digest"]
GROUP_KINDS = ("covenant", "network", "programme")
GCNL = "un-global-compact-network-netherlands"
SER = "ser-imvo-network"
ACCELERATOR = "business-human-rights-accelerator"
ACCELERATOR_COHORT = 26


# --------------------------------------------------------------------------- sector profiles


@dataclass(frozen=True)
class SectorProfile:
    """How companies of one sector look: where they source, what they risk, what they are called."""

    count: int
    countries: str  # "CODE:weight ..."
    themes: str  # "theme-slug:weight ..."
    words: tuple[str, ...]
    noun: str
    activities: tuple[str, ...]
    unit: str
    covenant: str | None = None
    related: tuple[str, ...] = ()
    finance: bool = False


PROFILES: dict[str, SectorProfile] = {
    "garment-textile": SectorProfile(
        28,
        "BD:6 IN:5 CN:5 TR:4 PK:3 MM:2 KH:2 VN:2 ET:1 PT:1 MA:1 TN:1",
        "living-wage-income:5 freedom-of-association:4 occupational-health-safety:4 "
        "gender-equality-discrimination:3 child-labour:3 forced-labour:3 "
        "responsible-purchasing:3 pollution:2 water:2 animal-welfare:1 grievance-remedy:1",
        (
            "Textiles",
            "Fashion",
            "Mode",
            "Apparel",
            "Denim",
            "Workwear",
            "Knitwear",
            "Confectie",
            "Kidswear",
            "Sportswear",
        ),
        "fashion and textile company",
        (
            "that designs women's and men's clothing for its own stores",
            "making workwear for Dutch employers",
            "specialised in denim collections",
            "selling children's clothing online and through department stores",
            "supplying private-label garments to European retailers",
            "producing home textiles such as bedding and towels",
        ),
        "supplier factories",
        "garment-textile-covenant",
        ("retail",),
    ),
    "food-products": SectorProfile(
        14,
        "BR:3 CI:2 ID:3 VN:2 IN:2 TH:2 ES:2 MA:2 PE:2 ZA:1 TR:2 CL:1",
        "living-wage-income:4 child-labour:2 forced-labour:3 deforestation-biodiversity:3 "
        "water:3 animal-welfare:2 climate:2 land-rights:2 responsible-purchasing:2 "
        "occupational-health-safety:2",
        (
            "Foods",
            "Voeding",
            "Levensmiddelen",
            "Food Group",
            "Specerijen",
            "Conserven",
            "Snacks",
            "Sauzen",
        ),
        "food company",
        (
            "processing fruit and vegetables into sauces and soups",
            "importing and packing spices and herbs",
            "making private-label snacks for supermarkets",
            "producing canned and frozen foods",
            "trading dried fruit and nuts",
        ),
        "suppliers and farms",
        "food-products-covenant",
        ("retail", "agriculture"),
    ),
    "cocoa": SectorProfile(
        7,
        "CI:6 GH:5 CM:2 EC:2 NG:2 PE:1",
        "child-labour:6 living-wage-income:5 deforestation-biodiversity:4 forced-labour:2 "
        "gender-equality-discrimination:2 responsible-purchasing:2 land-rights:1",
        ("Cacao", "Cocoa Trading", "Chocolade", "Chocolatiers", "Cocoa Processing"),
        "cocoa company",
        (
            "grinding cocoa beans into cocoa butter and powder",
            "making chocolate bars and pralines",
            "trading cocoa beans from West African cooperatives",
            "producing chocolate for bakeries and ice-cream makers",
        ),
        "cooperatives",
        "food-products-covenant",
        ("food-products",),
    ),
    "coffee-tea": SectorProfile(
        8,
        "BR:3 CO:3 VN:2 ET:3 KE:3 IN:2 LK:2 UG:2 PE:2 HN:1 ID:1",
        "living-wage-income:5 child-labour:2 gender-equality-discrimination:3 "
        "occupational-health-safety:2 climate:3 deforestation-biodiversity:2 "
        "freedom-of-association:2 land-rights:1 responsible-purchasing:2",
        ("Koffie", "Koffiebranderij", "Thee", "Coffee Roasters", "Tea Company", "Koffie & Thee"),
        "coffee and tea company",
        (
            "roasting speciality coffee for cafés and offices",
            "blending and packing tea for supermarkets",
            "importing green coffee from smallholder cooperatives",
            "supplying coffee and tea to the hospitality sector",
        ),
        "cooperatives and estates",
        "food-products-covenant",
        ("food-products",),
    ),
    "floriculture": SectorProfile(
        12,
        "KE:6 ET:5 CO:4 EC:4 UG:2 TZ:1 ZA:1",
        "occupational-health-safety:5 living-wage-income:5 gender-equality-discrimination:3 "
        "water:4 freedom-of-association:2 pollution:3 climate:2",
        ("Flowers", "Bloemen", "Roses", "Plants", "Kwekerij", "Flower Trading", "Bloemenhandel"),
        "flower and plant company",
        (
            "importing cut roses for the auction and direct sales",
            "growing roses on its own farms abroad",
            "exporting bouquets to supermarkets across Europe",
            "breeding and propagating pot plants and cuttings",
        ),
        "flower farms",
        "floriculture-covenant",
        ("agriculture",),
    ),
    "natural-stone": SectorProfile(
        10,
        "IN:6 CN:5 TR:3 VN:2 PT:2 BR:1 ES:1",
        "child-labour:5 occupational-health-safety:5 forced-labour:4 living-wage-income:2 "
        "freedom-of-association:2 pollution:1 grievance-remedy:1",
        ("Natuursteen", "Stone", "Graniet", "Steenhandel", "Stone Import"),
        "natural stone company",
        (
            "importing granite and sandstone for paving and facades",
            "making kitchen worktops and tiles",
            "supplying kerbs and paving to municipalities",
            "making headstones and memorials",
        ),
        "quarries and processing units",
        "natural-stone-covenant",
        ("construction",),
    ),
    "gold": SectorProfile(
        7,
        "PE:4 GH:4 ZA:3 CH:4 AE:2 CO:2 UG:1 BO:1",
        "conflict-minerals:5 child-labour:4 occupational-health-safety:3 pollution:4 "
        "land-rights:2 indigenous-peoples-rights:2 corruption:3 forced-labour:2 water:1",
        ("Goud", "Edelmetaal", "Juweliers", "Gold Refining", "Sieraden", "Goldsmiths"),
        "gold and jewellery company",
        (
            "making gold jewellery in its own workshop",
            "trading and recycling precious metals",
            "selling wedding rings and jewellery through its shops",
            "supplying gold semi-finished products to goldsmiths",
        ),
        "refiners and mine sites",
        "gold-covenant",
        ("retail", "metals"),
    ),
    "metals": SectorProfile(
        13,
        "CN:4 ZA:3 BR:3 CL:3 PE:3 CD:2 GN:2 IN:2 TR:2 AU:1 ID:2",
        "occupational-health-safety:5 pollution:4 conflict-minerals:3 child-labour:2 "
        "land-rights:2 indigenous-peoples-rights:2 climate:3 water:2 corruption:1 "
        "forced-labour:1",
        ("Metaal", "Staal", "Metals", "Aluminium", "Metaalhandel", "Metal Recycling", "Koper"),
        "metals company",
        (
            "processing steel and aluminium into semi-finished products",
            "recycling scrap metal and cables",
            "trading non-ferrous metals",
            "making metal components for machine builders",
        ),
        "smelters and suppliers",
        "metals-covenant",
        ("electronics", "construction", "renewable-energy"),
    ),
    "electronics": SectorProfile(
        10,
        "CN:6 TW:3 MY:3 VN:3 KR:2 CD:2 PH:2 TH:2 MX:1",
        "conflict-minerals:5 forced-labour:4 occupational-health-safety:3 "
        "freedom-of-association:2 pollution:3 child-labour:2 living-wage-income:2 "
        "responsible-purchasing:2",
        ("Electronics", "Elektrotechniek", "Devices", "Components", "Elektronica"),
        "electronics company",
        (
            "designing consumer electronics assembled in Asia",
            "making lighting and sensor systems",
            "refurbishing laptops and smartphones",
            "producing printed circuit board assemblies",
        ),
        "component suppliers",
        None,
        ("ict",),
    ),
    "banking": SectorProfile(
        7,
        "BR:2 ID:2 IN:2 CN:1 US:2 CD:1 MY:1 PY:1 NG:1",
        "climate:4 land-rights:3 indigenous-peoples-rights:2 corruption:3 "
        "deforestation-biodiversity:3 freedom-of-association:1 grievance-remedy:2 "
        "privacy-digital-rights:2",
        ("Bank", "Bankiers", "Spaarbank", "Bank"),
        "bank",
        (
            "serving small and medium-sized enterprises",
            "offering sustainable savings and project finance",
            "financing agri-food trade and commodities",
            "providing private banking and asset management",
        ),
        "client companies",
        "banking-covenant",
        ("insurance",),
        True,
    ),
    "insurance": SectorProfile(
        6,
        "BR:1 ID:1 IN:1 US:2 CN:1 ZA:1 MX:1",
        "climate:5 land-rights:2 animal-welfare:1 indigenous-peoples-rights:1 corruption:2 "
        "deforestation-biodiversity:2 grievance-remedy:2 privacy-digital-rights:2",
        ("Verzekeringen", "Assurantiën", "Insurance", "Verzekeraars"),
        "insurer",
        (
            "offering property and income insurance",
            "providing life insurance and pensions",
            "insuring agricultural and transport risks",
        ),
        "investee companies",
        "insurance-covenant",
        ("pension-funds",),
        True,
    ),
    "pension-funds": SectorProfile(
        6,
        "US:3 CN:2 IN:1 BR:2 ID:1 ZA:1 KR:1",
        "climate:5 freedom-of-association:2 land-rights:2 forced-labour:2 "
        "grievance-remedy:2 deforestation-biodiversity:2 corruption:1 animal-welfare:1",
        ("Pensioenfonds",),
        "pension fund",
        (
            "managing the pensions of employees in its industry",
            "investing the pension savings of a former industrial group",
            "serving employers and employees in a regional sector",
        ),
        "investee companies",
        "pension-funds-covenant",
        (),
        True,
    ),
    "forestry": SectorProfile(
        8,
        "BR:3 ID:3 MY:3 CM:2 GA:2 CG:1 PE:1 SE:1 FI:1",
        "deforestation-biodiversity:5 land-rights:3 indigenous-peoples-rights:3 "
        "corruption:2 occupational-health-safety:2 climate:3 forced-labour:1",
        ("Hout", "Houthandel", "Timber", "Wood", "Parket"),
        "timber company",
        (
            "importing tropical hardwood for waterworks and construction",
            "making parquet and wooden floors",
            "trading sawn timber and sheet materials",
            "producing garden wood and decking",
        ),
        "forest concessions and sawmills",
        "forestry-covenant",
        ("construction",),
    ),
    "vegetable-proteins": SectorProfile(
        8,
        "BR:5 AR:3 PY:3 US:2 ID:3 MY:3 UA:2 CA:1",
        "deforestation-biodiversity:5 land-rights:4 indigenous-peoples-rights:3 climate:3 "
        "pollution:2 forced-labour:2 water:2 child-labour:1",
        ("Oils", "Oliën", "Soja Trading", "Proteins", "Veevoer", "Crushing"),
        "vegetable proteins company",
        (
            "crushing soybeans and rapeseed into meal and oil",
            "refining palm and vegetable oils",
            "making compound feed for livestock",
            "producing plant-based protein ingredients",
        ),
        "traders and crushers",
        "vegetable-proteins-covenant",
        ("food-products", "agriculture"),
    ),
    "agriculture": SectorProfile(
        9,
        "BR:2 KE:3 ET:2 UG:2 PE:3 ES:2 MA:3 EG:2 IN:2 VN:1 ZA:2 CL:1",
        "living-wage-income:4 occupational-health-safety:3 water:4 land-rights:3 "
        "child-labour:2 climate:2 pollution:2 gender-equality-discrimination:2 "
        "forced-labour:2",
        ("Agro", "Akkerbouw", "Zaden", "Fruit Import", "Groente", "Agri Trading", "Tuinbouw"),
        "agricultural company",
        (
            "importing fresh fruit and vegetables year-round",
            "breeding and selling vegetable seeds",
            "trading potatoes and onions worldwide",
            "growing avocados and berries with partner farms abroad",
        ),
        "farms and packhouses",
        None,
        ("food-products",),
    ),
    "chemicals": SectorProfile(
        7,
        "CN:4 IN:4 DE:2 BE:2 US:2 BR:1 MX:1",
        "pollution:5 occupational-health-safety:4 water:3 climate:3 child-labour:1",
        ("Chemie", "Chemicals", "Coatings", "Pigments", "Kunststoffen"),
        "chemicals company",
        (
            "making coatings and paints",
            "producing pigments, including mica-based effects",
            "distributing specialty chemicals",
            "compounding plastics",
        ),
        "raw material suppliers",
        None,
        ("agriculture", "garment-textile"),
    ),
    "logistics": SectorProfile(
        9,
        "CN:3 SG:2 AE:2 BD:1 IN:2 TR:2 PA:1 PL:3 RO:3 PH:2",
        "living-wage-income:3 occupational-health-safety:4 forced-labour:3 "
        "freedom-of-association:3 climate:3 pollution:2",
        ("Logistics", "Transport", "Shipping", "Expeditie", "Cargo", "Forwarding"),
        "logistics company",
        (
            "running road transport across Europe",
            "forwarding sea and air freight",
            "operating warehouses and last-mile delivery",
            "managing container shipping and port logistics",
        ),
        "subcontractors",
        None,
        ("retail",),
    ),
    "retail": SectorProfile(
        11,
        "CN:4 BD:3 IN:3 TR:2 VN:2 PK:2 KH:1",
        "responsible-purchasing:4 living-wage-income:4 forced-labour:3 child-labour:2 "
        "freedom-of-association:2 grievance-remedy:2 occupational-health-safety:2",
        ("Retail", "Warenhuis", "Winkels", "Home & Living", "Outdoor", "Interieur"),
        "retailer",
        (
            "with a chain of home and living stores",
            "selling outdoor and sports equipment",
            "running a department store chain",
            "selling household goods online",
        ),
        "suppliers",
        None,
        ("garment-textile",),
    ),
    "renewable-energy": SectorProfile(
        8,
        "CN:5 CD:2 CL:2 BO:1 AR:1 MX:2 BR:2 KE:1 ID:2",
        "forced-labour:4 land-rights:4 indigenous-peoples-rights:3 conflict-minerals:3 "
        "occupational-health-safety:2 water:2 pollution:2 climate:2",
        ("Solar", "Wind", "Energie", "Zonne-energie", "Batterijen", "Energy Solutions"),
        "renewable energy company",
        (
            "installing solar panels on commercial roofs",
            "developing wind and solar parks",
            "supplying battery storage systems",
            "selling green electricity to households",
        ),
        "module and component suppliers",
        None,
        ("construction",),
    ),
    "construction": SectorProfile(
        7,
        "IN:2 CN:3 TR:2 QA:2 AE:2 PT:2 PL:2 VN:1",
        "occupational-health-safety:5 forced-labour:4 living-wage-income:2 child-labour:2 "
        "corruption:3 freedom-of-association:2",
        ("Bouw", "Bouwgroep", "Construction", "Infra", "Aannemers"),
        "construction company",
        (
            "building homes and utility buildings",
            "working on roads, bridges and waterworks",
            "renovating and making buildings sustainable",
            "contracting large infrastructure projects abroad",
        ),
        "subcontractors and material suppliers",
        None,
        (),
    ),
    "ict": SectorProfile(
        7,
        "CN:3 IN:4 MY:2 PH:2 VN:2 UA:2 RO:2 CD:1",
        "privacy-digital-rights:5 conflict-minerals:2 forced-labour:2 "
        "occupational-health-safety:2 freedom-of-association:2 pollution:2 "
        "gender-equality-discrimination:2",
        ("IT", "Digital", "Software", "Cloud", "Data", "Tech"),
        "ICT company",
        (
            "building software for logistics and retail",
            "running data centres and cloud services",
            "offering IT outsourcing with teams abroad",
            "supplying and managing workplace hardware",
        ),
        "service and hardware suppliers",
        None,
        ("electronics",),
    ),
    "mining": SectorProfile(
        2,
        "CD:4 PE:3 CL:3 ZA:3 ZM:2 ID:2 BO:2 GN:2",
        "occupational-health-safety:5 land-rights:4 indigenous-peoples-rights:4 "
        "pollution:4 conflict-minerals:3 water:3 corruption:3 child-labour:2",
        ("Mining", "Minerals", "Resources", "Delfstoffen"),
        "mining services company",
        ("trading mineral concentrates", "providing dredging and mining equipment"),
        "mine sites",
        "metals-covenant",
        ("metals",),
    ),
    "fish-seafood": SectorProfile(
        4,
        "TH:3 VN:3 EC:2 ID:3 PE:2 IN:2 MR:1",
        "forced-labour:5 occupational-health-safety:3 living-wage-income:2 "
        "deforestation-biodiversity:3 animal-welfare:1 pollution:1",
        ("Seafood", "Visgroothandel", "Vis", "Fish Trading"),
        "seafood company",
        (
            "importing shrimp and white fish",
            "processing and freezing seafood",
            "trading canned tuna",
        ),
        "vessels and processors",
        None,
        ("food-products",),
    ),
    "leather-footwear": SectorProfile(
        4,
        "IN:4 BD:3 PK:3 CN:3 VN:3 IT:2 BR:2",
        "pollution:4 occupational-health-safety:4 child-labour:3 animal-welfare:3 water:2 "
        "living-wage-income:3 deforestation-biodiversity:1",
        ("Schoenen", "Footwear", "Leather", "Lederwaren"),
        "footwear and leather goods company",
        (
            "designing shoes for men and women",
            "making leather bags and belts",
            "selling work and safety shoes",
        ),
        "tanneries and factories",
        "garment-textile-covenant",
        ("retail",),
    ),
}

# (supplier sector, customer sector, strength): value chains for supplier_of links.
CHAINS: list[tuple[str, str, float]] = [
    ("agriculture", "food-products", 1.0),
    ("cocoa", "food-products", 1.0),
    ("coffee-tea", "food-products", 0.6),
    ("coffee-tea", "retail", 0.6),
    ("vegetable-proteins", "food-products", 1.0),
    ("vegetable-proteins", "agriculture", 0.6),
    ("food-products", "retail", 1.0),
    ("fish-seafood", "food-products", 0.8),
    ("fish-seafood", "retail", 0.5),
    ("mining", "metals", 1.0),
    ("metals", "electronics", 1.0),
    ("metals", "construction", 0.8),
    ("metals", "renewable-energy", 0.8),
    ("gold", "electronics", 0.4),
    ("gold", "retail", 0.6),
    ("electronics", "ict", 0.8),
    ("electronics", "retail", 0.6),
    ("electronics", "renewable-energy", 0.6),
    ("chemicals", "agriculture", 0.7),
    ("chemicals", "garment-textile", 0.7),
    ("chemicals", "floriculture", 0.6),
    ("garment-textile", "retail", 1.0),
    ("leather-footwear", "retail", 0.8),
    ("logistics", "retail", 0.8),
    ("logistics", "food-products", 0.6),
    ("logistics", "garment-textile", 0.6),
    ("logistics", "floriculture", 0.6),
    ("natural-stone", "construction", 1.0),
    ("forestry", "construction", 0.9),
    ("forestry", "retail", 0.4),
    ("floriculture", "retail", 0.7),
    ("ict", "banking", 0.6),
    ("ict", "insurance", 0.5),
    ("ict", "pension-funds", 0.4),
    ("renewable-energy", "metals", 0.4),
    ("renewable-energy", "chemicals", 0.4),
]

SURNAMES = (
    "Van der Berg",
    "De Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "De Boer",
    "Mulder",
    "De Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Van Leeuwen",
    "Dekker",
    "Brouwer",
    "De Wit",
    "Dijkstra",
    "Smits",
    "De Graaf",
    "Van der Meer",
    "Van der Linden",
    "Kok",
    "Jacobs",
    "De Haan",
    "Vermeulen",
    "Van den Heuvel",
    "Van der Veen",
    "Van den Broek",
    "Verhoeven",
    "Kramer",
    "Schouten",
    "Hoekstra",
    "Prins",
    "Postma",
    "Kuipers",
    "Timmermans",
    "Veenstra",
    "Willems",
    "Wouters",
    "Van Dam",
    "Koster",
    "Blom",
    "Groen",
    "Huisman",
    "Schipper",
    "Evers",
    "Van Wijk",
    "Sanders",
)
PLACES = (
    "Noordzee",
    "Waddenzee",
    "IJssel",
    "Maas",
    "Rijnmond",
    "Veluwe",
    "Kempen",
    "Brabant",
    "Friesland",
    "Zeeland",
    "Drenthe",
    "Twente",
    "Achterhoek",
    "Betuwe",
    "Westland",
    "Amstel",
    "Lek",
    "Vecht",
    "Dommel",
    "Gooi",
    "Peel",
    "Delta",
    "Texel",
    "Limburg",
    "Schelde",
    "Zaan",
    "Eem",
    "Hollandia",
    "Lauwers",
    "Linge",
)
COINED = (
    "Amstelwijk",
    "Duinhof",
    "Eikenlaan",
    "Hoogveld",
    "Kaaihaven",
    "Lindehof",
    "Maasbrug",
    "Oudegracht",
    "Polderwind",
    "Rietland",
    "Schelpweg",
    "Tulpendaal",
    "Vlietstra",
    "Wadhoek",
    "IJsselkade",
    "Zandhoven",
    "Beekdal",
    "Heidemeer",
    "Kreekrug",
    "Steenakker",
    "Veldmark",
    "Lindegracht",
    "Oostwind",
    "Zilverdijk",
    "Novaterra",
    "Textura",
    "Verdana",
    "Lumenis",
    "Aquilon",
    "Borealis",
    "Cirrus",
    "Meridia",
    "Solvane",
    "Terranova",
    "Vireo",
    "Zephyra",
)

SIZE_WEIGHTS = {"micro": 8, "small": 25, "medium": 35, "large": 20, "enterprise": 12}
FINANCE_SIZE_WEIGHTS = {"micro": 0, "small": 5, "medium": 25, "large": 35, "enterprise": 35}
SIZE_ACTIVITY = {"micro": 0.5, "small": 0.8, "medium": 1.2, "large": 2.0, "enterprise": 3.0}
SIZE_WORDS = {
    "micro": ("small", "young", "family-run"),
    "small": ("small", "family-owned", "growing"),
    "medium": ("mid-sized", "family-owned", "established"),
    "large": ("large", "well-established", "international"),
    "enterprise": ("leading", "major", "multinational"),
}

THEME_ACTIONS = {
    "child-labour": "identify and remediate child labour beyond the first tier",
    "forced-labour": "detect forced labour indicators such as recruitment fees and "
    "withheld documents",
    "living-wage-income": "close the gap between current pay and a living wage or income",
    "freedom-of-association": "support freedom of association where independent unions "
    "are restricted",
    "occupational-health-safety": "improve health and safety for workers at suppliers",
    "gender-equality-discrimination": "prevent gender-based violence and discrimination at "
    "suppliers",
    "land-rights": "respect land tenure and free, prior and informed consent",
    "indigenous-peoples-rights": "engage Indigenous communities and seek their free, prior "
    "and informed consent",
    "pollution": "reduce chemical and wastewater pollution around production sites",
    "climate": "cut supply chain emissions in line with a science-based target",
    "deforestation-biodiversity": "trace commodities to deforestation-free origins",
    "water": "reduce water use in water-stressed sourcing regions",
    "animal-welfare": "set and verify animal welfare standards for animal-derived materials",
    "corruption": "prevent bribery in procurement, permits and customs",
    "conflict-minerals": "trace minerals to responsible smelters and mines",
    "privacy-digital-rights": "protect the personal data of users and workers",
    "grievance-remedy": "provide remedy through a grievance mechanism workers can trust",
    "responsible-purchasing": "align prices and lead times with responsible sourcing",
}

# Short theme names for running text, where "A and B and C" would read badly.
THEME_SHORT = {
    "living-wage-income": "living wages and incomes",
    "freedom-of-association": "freedom of association",
    "occupational-health-safety": "health and safety",
    "gender-equality-discrimination": "gender discrimination",
    "indigenous-peoples-rights": "Indigenous peoples' rights",
    "deforestation-biodiversity": "deforestation",
    "water": "water use",
    "privacy-digital-rights": "privacy",
    "grievance-remedy": "access to remedy",
    "responsible-purchasing": "purchasing practices",
    "climate": "climate impact",
}

COUNTRY_NAME_OVERRIDES = {
    "CD": "the DR Congo",
    "CG": "the Republic of the Congo",
    "KR": "South Korea",
    "TW": "Taiwan",
    "BO": "Bolivia",
    "TZ": "Tanzania",
    "AE": "the United Arab Emirates",
    "US": "the United States",
    "GB": "the United Kingdom",
    "NL": "the Netherlands",
    "PH": "the Philippines",
    "CI": "Côte d'Ivoire",
    "VN": "Vietnam",
    "TR": "Türkiye",
    "CF": "the Central African Republic",
}

DUTCH_FIRST = (
    "Anna",
    "Sanne",
    "Lotte",
    "Eva",
    "Fleur",
    "Lisa",
    "Emma",
    "Femke",
    "Iris",
    "Marloes",
    "Esther",
    "Inge",
    "Maaike",
    "Noor",
    "Julia",
    "Sophie",
    "Anouk",
    "Floor",
    "Marieke",
    "Judith",
    "Jeroen",
    "Bas",
    "Daan",
    "Thijs",
    "Ruben",
    "Joost",
    "Pieter",
    "Maarten",
    "Sander",
    "Wouter",
    "Martijn",
    "Koen",
    "Bram",
    "Niels",
    "Tim",
    "Jasper",
    "Erik",
    "Hans",
    "Rob",
    "Willem",
    "Hidde",
    "Sjoerd",
    "Jelle",
    "Lars",
    "Yara",
    "Samira",
    "Mehmet",
    "Nadia",
)
DUTCH_LAST = (
    "de Vries",
    "van den Berg",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "van der Linden",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "van der Veen",
    "van den Broek",
    "Verhoeven",
    "Kramer",
    "Schouten",
    "Hoekstra",
    "Prins",
    "Postma",
    "Kuipers",
    "Timmermans",
    "Veenstra",
    "Willems",
    "Wouters",
    "van Dam",
    "Koster",
    "Blom",
    "Groen",
    "Huisman",
    "El Amrani",
    "Yılmaz",
    "Öztürk",
    "Bouzid",
    "Pinas",
    "Tjon",
)
INTERNATIONAL_NAMES = (
    (
        ("Priya", "Arjun", "Ananya", "Rahul", "Meera", "Vikram"),
        ("Sharma", "Mehta", "Nair", "Iyer", "Reddy", "Gupta"),
    ),
    (
        ("Farhana", "Tanvir", "Nasreen", "Rashed", "Sadia"),
        ("Akter", "Hossain", "Begum", "Rahman", "Islam"),
    ),
    (
        ("Grace", "Kwame", "Abena", "Tesfaye", "Amina", "Chinedu", "Fatou", "Wanjiru"),
        ("Mensah", "Owusu", "Bekele", "Diallo", "Okafor", "Ndiaye", "Otieno", "Kamau"),
    ),
    (
        ("María", "Lucía", "Carlos", "Ana", "Diego", "Valentina", "Javier"),
        ("González", "Fernández", "Rodríguez", "Souza", "Ramírez", "Castillo", "Moreno"),
    ),
    (
        ("Sophie", "Lukas", "Chiara", "Hannah", "James", "Emily", "Claire", "Tom"),
        ("Martin", "Schneider", "Rossi", "Becker", "Wilson", "Clarke", "Dubois", "Murphy"),
    ),
    (
        ("Mei", "Wei", "Linh", "Siti", "Budi", "Hana"),
        ("Lin", "Zhang", "Nguyen", "Rahayu", "Santoso", "Tanaka"),
    ),
)
ROLES = {
    "company": (
        "CSR manager",
        "Head of sustainable sourcing",
        "Sustainability officer",
        "Supply chain manager",
        "Compliance officer",
        "Buyer",
        "Managing director",
        "Quality and compliance manager",
        "ESG analyst",
        "Responsible investment adviser",
    ),
    "union": (
        "International secretary",
        "Policy adviser international trade union rights",
        "Project coordinator South Asia",
        "Sector coordinator",
        "Programme officer",
    ),
    "ngo": (
        "Programme manager",
        "Senior researcher",
        "Policy adviser business and human rights",
        "Campaigner",
        "Corporate engagement lead",
        "Country coordinator",
    ),
    "initiative": (
        "Programme manager",
        "Sector lead",
        "Head of standards",
        "Member support",
        "Country representative",
    ),
    "government": (
        "Policy officer IRBC",
        "Senior policy adviser",
        "Trade adviser",
        "Coordinator responsible business conduct",
    ),
    "knowledge_institute": (
        "Assistant professor",
        "Researcher",
        "Associate professor",
        "Professor of business and human rights",
        "PhD candidate",
    ),
    "industry_association": (
        "Sustainability policy adviser",
        "CSR consultant",
        "Director",
        "Secretary IMVO",
        "Policy officer",
    ),
}
FINANCE_ROLES = (
    "Responsible investment adviser",
    "ESG analyst",
    "Head of sustainability",
    "Human rights specialist",
    "Compliance officer",
)

STOPWORDS = frozenset(
    "about above after again against their there these those which while where with within "
    "would could should other others based along being through under until into from that "
    "this have will your what when them they also more most such than then very well wants "
    "willing looking ready companies company partners partner expertise".split()
)


# --------------------------------------------------------------------------- data model


@dataclass
class Org:
    slug: str
    name: str
    kind: str
    description: str = ""
    offers: str = ""
    seeks: str = ""
    sectors: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    size_band: str = ""
    website: str = ""
    open_to_introductions: bool = True
    hq: str = "NL"
    activity: float = 1.0
    party_to: list[str] = field(default_factory=list)
    party_since: dict[str, str] = field(default_factory=dict)
    since: date | None = None
    until: date | None = None

    @property
    def is_group(self) -> bool:
        return self.kind in GROUP_KINDS


@dataclass(frozen=True)
class Link:
    source: str
    target: str
    type: str
    since: date
    until: date | None = None


SYMMETRIC = ("partner", "introduced", "dispute")
TYPE_ORDER = {"member_of": 0, "partner": 1, "supplier_of": 2, "introduced": 3, "dispute": 4}


class LinkSet:
    """Relationships keyed by (source, target, type); symmetric types stored sorted."""

    def __init__(self) -> None:
        self.links: dict[tuple[str, str, str], Link] = {}
        self.pairs: set[tuple[str, str]] = set()

    @staticmethod
    def pair(a: str, b: str) -> tuple[str, str]:
        return (a, b) if a < b else (b, a)

    def linked(self, a: str, b: str) -> bool:
        return self.pair(a, b) in self.pairs

    def add(
        self, source: str, target: str, type_: str, since: date, until: date | None = None
    ) -> None:
        if source == target:
            raise ValueError(f"self-loop on {source}")
        if type_ in SYMMETRIC:
            source, target = self.pair(source, target)
        if until is not None and until < since:
            until = since
        key = (source, target, type_)
        if key not in self.links:
            self.links[key] = Link(source, target, type_, since, until)
            if type_ != "member_of":
                self.pairs.add(self.pair(source, target))

    def sorted(self) -> list[Link]:
        return sorted(
            self.links.values(),
            key=lambda k: (
                TYPE_ORDER[k.type],
                k.target if k.type == "member_of" else k.source,
                k.source,
                k.target,
            ),
        )


# --------------------------------------------------------------------------- helpers


def parse_weights(spec: str) -> list[tuple[str, float]]:
    out = []
    for token in spec.split():
        key, weight = token.rsplit(":", 1)
        out.append((key, float(weight)))
    return out


def weighted_distinct(rng: random.Random, items: Sequence[tuple[str, float]], k: int) -> list[str]:
    """Draw ``k`` distinct keys with probability proportional to weight (order kept stable)."""
    pool = [(key, w) for key, w in items if w > 0]
    chosen: list[str] = []
    while pool and len(chosen) < k:
        total = sum(w for _, w in pool)
        x = rng.random() * total
        for index, (key, w) in enumerate(pool):
            x -= w
            if x <= 0 or index == len(pool) - 1:
                chosen.append(key)
                del pool[index]
                break
    return chosen


def sample_by_weight(
    rng: random.Random, weighted: Sequence[tuple[float, tuple[str, str]]], k: int
) -> list[tuple[str, str]]:
    """Efraimidis-Spirakis weighted sampling without replacement of ``k`` pairs."""
    keyed = []
    for weight, item in weighted:
        if weight <= 0:
            continue
        u = rng.random() or 1e-12
        keyed.append((math.log(u) / weight, item))
    keyed.sort(key=lambda t: (-t[0], t[1]))
    return [item for _, item in keyed[:k]]


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:100].strip("-")


def company_slug(name: str) -> str:
    """The slug of a company name, without its legal form (B.V., N.V.)."""
    return slugify(re.sub(r"\b(B\.V\.|N\.V\.)", "", name))


def ascii_token(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_text.lower())


def random_date(rng: random.Random, start: date, end: date, skew: float = 1.0) -> date:
    """A date in [start, end]; ``skew`` < 1 favours later dates."""
    if end <= start:
        return start
    span = (end - start).days
    return start + timedelta(days=int(span * rng.random() ** skew))


def maybe_ended(rng: random.Random, since: date, probability: float) -> date | None:
    if rng.random() >= probability:
        return None
    until = since + timedelta(days=rng.randint(300, 1500))
    return until if until < LATEST else None


def join_words(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def content_words(text: str) -> list[str]:
    words = re.findall(r"[a-z][a-z\-]+", text.lower())
    return sorted({w for w in words if len(w) >= 5 and w not in STOPWORDS})


class CountryNames:
    def __init__(self) -> None:
        self.cache: dict[str, str] = {}
        try:
            import pycountry

            self.lookup: object | None = pycountry.countries
        except ImportError:  # pragma: no cover - pycountry is a project dependency
            self.lookup = None

    def __call__(self, code: str) -> str:
        if code in COUNTRY_NAME_OVERRIDES:
            return COUNTRY_NAME_OVERRIDES[code]
        if code not in self.cache:
            name = code
            if self.lookup is not None:
                country = self.lookup.get(alpha_2=code)  # type: ignore[attr-defined]
                if country is not None:
                    name = str(getattr(country, "common_name", country.name))
            self.cache[code] = name
        return self.cache[code]


# --------------------------------------------------------------------------- generator


class DemoGenerator:
    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        vocabulary = json.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))
        self.theme_names: dict[str, str] = {t["slug"]: t["en"] for t in vocabulary["themes"]}
        self.sector_names: dict[str, str] = {t["slug"]: t["en"] for t in vocabulary["sectors"]}
        self.country_name = CountryNames()
        data = json.loads(STAKEHOLDERS_FILE.read_text(encoding="utf-8"))
        self.groups = [self._real_org(row) for row in data["groups"]]
        self.stakeholders = [self._real_org(row) for row in data["stakeholders"]]
        for org in self.stakeholders:
            org.activity = min(self.rng.paretovariate(1.5), 10.0)
        self.group_by_slug = {g.slug: g for g in self.groups}
        self.companies: list[Org] = []
        self.links = LinkSet()
        self.covenants_of: dict[str, list[str]] = {}

    @staticmethod
    def _real_org(row: dict[str, object]) -> Org:
        def text(key: str) -> str:
            value = row.get(key, "")
            return value if isinstance(value, str) else ""

        def strings(key: str) -> list[str]:
            value = row.get(key, [])
            return [str(v) for v in value] if isinstance(value, list) else []

        party_since = row.get("party_since", {})
        return Org(
            slug=text("slug"),
            name=text("name"),
            kind=text("kind"),
            description=text("description"),
            offers=text("offers"),
            seeks=text("seeks"),
            sectors=strings("sectors"),
            countries=strings("countries"),
            themes=strings("themes"),
            size_band=text("size_band"),
            website=text("website"),
            hq=text("hq") or "NL",
            party_to=strings("party_to"),
            party_since={str(k): str(v) for k, v in party_since.items()}
            if isinstance(party_since, dict)
            else {},
            since=date.fromisoformat(text("since")) if text("since") else None,
            until=date.fromisoformat(text("until")) if text("until") else None,
        )

    # ------------------------------------------------------------------ companies

    def theme_text(self, slug: str) -> str:
        if slug in THEME_SHORT:
            return THEME_SHORT[slug]
        name = self.theme_names[slug]
        return name[0].lower() + name[1:]

    def countries_text(self, codes: Sequence[str]) -> str:
        return join_words([self.country_name(c) for c in codes])

    def make_name(self, sector: str, size: str, used: set[str]) -> str:
        rng = self.rng
        profile = PROFILES[sector]
        for _ in range(100):
            word = rng.choice(profile.words)
            if sector == "pension-funds":
                base = rng.choice(
                    (
                        f"Stichting Pensioenfonds {rng.choice(SURNAMES)} Groep",
                        f"Pensioenfonds {rng.choice(COINED)}",
                        f"Stichting Pensioenfonds {rng.choice(COINED)}",
                    )
                )
                name = base
            elif profile.finance:
                base = f"{rng.choice(COINED)} {word}"
                suffix = " N.V." if size in ("large", "enterprise") else ""
                name = base + suffix
            else:
                pattern = rng.random()
                if pattern < 0.4:
                    base = f"{rng.choice(SURNAMES)} {word}"
                elif pattern < 0.7:
                    base = f"{rng.choice(PLACES)} {word}"
                else:
                    base = f"{rng.choice(COINED)} {word}"
                roll = rng.random()
                if size == "enterprise" and roll < 0.5:
                    suffix = " Group" if roll < 0.25 else " N.V."
                elif roll < 0.55:
                    suffix = " B.V."
                else:
                    suffix = ""
                name = base + suffix
            if company_slug(name) not in used:
                used.add(company_slug(name))
                return name
        raise RuntimeError("could not find a unique company name")

    def make_company(self, sector: str, used: set[str]) -> Org:
        rng = self.rng
        profile = PROFILES[sector]
        weights = FINANCE_SIZE_WEIGHTS if profile.finance else SIZE_WEIGHTS
        size = weighted_distinct(rng, [(k, float(v)) for k, v in weights.items()], 1)[0]
        sectors = [sector]
        if profile.related and rng.random() < 0.35:
            sectors.append(rng.choice(profile.related))
        country_weights = parse_weights(profile.countries)
        theme_weights = parse_weights(profile.themes)
        if len(sectors) > 1:
            second = PROFILES[sectors[1]]
            country_weights += [
                (c, w * 0.4)
                for c, w in parse_weights(second.countries)
                if c not in dict(country_weights)
            ]
            theme_weights += [
                (t, w * 0.4)
                for t, w in parse_weights(second.themes)
                if t not in dict(theme_weights)
            ]
        countries = weighted_distinct(rng, country_weights, rng.randint(2, 5))
        themes = weighted_distinct(rng, theme_weights, rng.randint(2, 5))
        name = self.make_name(sector, size, used)
        slug = company_slug(name)
        org = Org(
            slug=slug,
            name=name,
            kind="company",
            sectors=sectors,
            countries=countries,
            themes=themes,
            size_band=size,
            website=f"https://www.{slug}.example",
        )
        org.activity = min(rng.paretovariate(1.6), 12.0) * SIZE_ACTIVITY[size]
        org.description = self.describe(org, profile)
        org.offers = self.offers(org, profile)
        org.seeks = self.seeks(org, profile)
        return org

    def describe(self, org: Org, profile: SectorProfile) -> str:
        rng = self.rng
        size_word = rng.choice(SIZE_WORDS[org.size_band])
        article = "an" if size_word[0] in "aeiou" else "a"
        activity = rng.choice(profile.activities)
        first = f"{org.name} is {article} {size_word} Dutch {profile.noun} {activity}."
        places = self.countries_text(org.countries)
        if profile.finance:
            second = rng.choice(
                (
                    f"Its portfolio includes {profile.unit} active in {places}.",
                    f"Through its investments it is exposed to {profile.unit} in {places}.",
                    f"A large part of its exposure lies with {profile.unit} in {places}.",
                )
            )
        else:
            second = rng.choice(
                (
                    f"It works with {profile.unit} in {places}.",
                    f"Most of its products come from {profile.unit} in {places}.",
                    f"Its supply chain runs through {places}.",
                    f"It sources from {profile.unit} in {places}.",
                )
            )
        risks = join_words([self.theme_text(t) for t in org.themes])
        third = rng.choice(
            (
                f"Its salient risks are {risks}.",
                f"Its due diligence identified {risks} as priority risks.",
                f"Priority issues in its value chain: {risks}.",
                f"It focuses its due diligence on {risks}.",
            )
        )
        if len(org.sectors) > 1:
            third += f" It is also active in {self.sector_names[org.sectors[1]].lower()}."
        return f"{first} {second} {third}"

    def offers(self, org: Org, profile: SectorProfile) -> str:
        rng = self.rng
        country = self.country_name(rng.choice(org.countries))
        theme = rng.choice(org.themes)
        options = [
            f"Can share supplier data and audit results for {country}.",
            f"Offers co-funding for a joint project on {self.theme_text(theme)} in {country}.",
            f"Has leverage at {rng.randint(3, 40)} {profile.unit} in {country} and will use "
            f"it together with others.",
            f"Can host a peer-learning session on its approach to {self.theme_text(theme)}.",
            f"Shares its experience of how to {THEME_ACTIONS[theme]}.",
            f"Brings long-term relationships with {profile.unit} in {country}.",
        ]
        if profile.finance:
            options = [
                f"Can engage {profile.unit} on {self.theme_text(theme)} together with "
                f"other investors.",
                f"Shares its exclusion and engagement policy on {self.theme_text(theme)}.",
                f"Offers financing for companies that improve on {self.theme_text(theme)}.",
                f"Can share portfolio data on exposure to {country}.",
            ]
        picks = rng.sample(options, 2)
        return " ".join(picks)

    def seeks(self, org: Org, profile: SectorProfile) -> str:
        rng = self.rng
        country = self.country_name(rng.choice(org.countries))
        themes = rng.sample(org.themes, min(2, len(org.themes)))
        options = [
            f"Looking for a union or NGO with local presence in {country} to help address "
            f"{self.theme_text(themes[0])}.",
            f"Wants to learn from peers how to {THEME_ACTIONS[themes[-1]]}.",
            f"Seeks expertise on {self.theme_text(themes[0])} in {country}.",
            f"Looking for partners to set up a grievance mechanism for workers at "
            f"{profile.unit} in {country}.",
            f"Interested in a collective project on {self.theme_text(themes[-1])} with other "
            f"buyers from {country}.",
            f"Needs help mapping its supply chain beyond the first tier in {country}.",
        ]
        if profile.finance:
            options = [
                f"Seeks NGOs and unions with knowledge of {self.theme_text(themes[0])} in "
                f"{country} to inform engagement.",
                f"Wants to learn from peers how to {THEME_ACTIONS[themes[-1]]}.",
                f"Looking for data on {self.theme_text(themes[0])} risks in its portfolio.",
            ]
        picks = rng.sample(options, 2)
        return " ".join(picks)

    def make_companies(self) -> None:
        used = {g.slug for g in self.groups} | {s.slug for s in self.stakeholders}
        for sector, profile in PROFILES.items():
            for _ in range(profile.count):
                self.companies.append(self.make_company(sector, used))
        # a few companies opted out of introductions
        for org in self.rng.sample(self.companies, 5):
            org.open_to_introductions = False

    # ------------------------------------------------------------------ memberships

    def covenant_for(self, sector: str) -> str | None:
        return PROFILES[sector].covenant if sector in PROFILES else None

    def join(self, org: Org, group: Org, since: date, until: date | None) -> None:
        self.links.add(org.slug, group.slug, "member_of", since, until)
        if group.kind == "covenant":
            self.covenants_of.setdefault(org.slug, []).append(group.slug)

    def memberships(self) -> None:
        rng = self.rng
        gcnl, ser = self.group_by_slug[GCNL], self.group_by_slug[SER]
        gcnl_members: list[Org] = []
        for org in self.companies:
            first_since: date | None = None
            for index, sector in enumerate(org.sectors):
                slug = self.covenant_for(sector)
                if slug is None or slug in self.covenants_of.get(org.slug, []):
                    continue
                if rng.random() >= (0.75 if index == 0 else 0.4):
                    continue
                covenant = self.group_by_slug[slug]
                assert covenant.since is not None
                end = min(covenant.until or LATEST, covenant.since + timedelta(days=900))
                since = random_date(rng, covenant.since, end)
                until = covenant.until
                if rng.random() < 0.05:
                    left = since + timedelta(days=rng.randint(200, 900))
                    if left < (until or LATEST):
                        until = left
                self.join(org, covenant, since, until)
                first_since = since if first_since is None else min(first_since, since)
            in_covenant = first_since is not None
            if rng.random() < (0.9 if in_covenant else 0.1):
                assert ser.since is not None
                since = (
                    first_since
                    if first_since is not None
                    else random_date(rng, ser.since, LATEST - timedelta(days=60))
                )
                self.join(org, ser, max(since, ser.since), None)
            p_gcnl = {"micro": 0.05, "small": 0.15, "medium": 0.3, "large": 0.5, "enterprise": 0.7}[
                org.size_band
            ]
            if rng.random() < p_gcnl:
                since = random_date(rng, WINDOW_START, date(2026, 6, 30), skew=0.9)
                self.join(org, gcnl, since, maybe_ended(rng, since, 0.06))
                if self.links.links[(org.slug, GCNL, "member_of")].until is None:
                    gcnl_members.append(org)
        # the accelerator cohort: 26 current Global Compact participants, mostly mid-sized
        accelerator = self.group_by_slug[ACCELERATOR]
        assert accelerator.since is not None
        weights = [
            (
                {"micro": 0.5, "small": 1.0, "medium": 2.0, "large": 2.0, "enterprise": 1.0}[
                    o.size_band
                ],
                (o.slug, ""),
            )
            for o in gcnl_members
        ]
        cohort = sample_by_weight(rng, weights, ACCELERATOR_COHORT)
        if len(cohort) != ACCELERATOR_COHORT:
            raise RuntimeError("not enough Global Compact members for the accelerator cohort")
        for slug, _ in sorted(cohort):
            self.links.add(slug, ACCELERATOR, "member_of", accelerator.since)
        # stakeholders: the covenants they signed, and the SER network
        for org in self.stakeholders:
            sinces = []
            for slug in org.party_to:
                covenant = self.group_by_slug[slug]
                assert covenant.since is not None
                since = (
                    date.fromisoformat(org.party_since[slug])
                    if slug in org.party_since
                    else covenant.since
                )
                self.join(org, covenant, since, covenant.until)
                sinces.append(since)
            if sinces:
                self.join(org, ser, max(min(sinces), ser.since or WINDOW_START), None)

    # ------------------------------------------------------------------ latent links

    def shared_covenant(self, a: Org, b: Org) -> int:
        mine = self.covenants_of.get(a.slug, [])
        return int(any(c in mine for c in self.covenants_of.get(b.slug, [])))

    def in_gcnl(self, org: Org) -> bool:
        return (org.slug, GCNL, "member_of") in self.links.links

    @staticmethod
    def shared(a: Sequence[str], b: Sequence[str]) -> int:
        return len(set(a) & set(b))

    def company_pair_weights(self) -> list[tuple[float, tuple[str, str]]]:
        out = []
        companies = self.companies
        for i, a in enumerate(companies):
            for b in companies[i + 1 :]:
                score = (
                    1.1 * self.shared(a.sectors, b.sectors)
                    + 0.35 * self.shared(a.themes, b.themes)
                    + 0.3 * self.shared(a.countries, b.countries)
                    + 0.9 * self.shared_covenant(a, b)
                    + 0.4 * (self.in_gcnl(a) and self.in_gcnl(b))
                )
                out.append((math.exp(score) * a.activity * b.activity, (a.slug, b.slug)))
        return out

    def stakeholder_weights(self) -> list[tuple[float, tuple[str, str]]]:
        out = []
        words = {
            o.slug: (content_words(o.offers), content_words(o.seeks))
            for o in self.companies + self.stakeholders
        }
        for c in self.companies:
            for s in self.stakeholders:
                themes = set(c.themes) & set(s.themes)
                countries = set(c.countries) & set(s.countries)
                cells = len(themes) * len(countries)
                if not s.countries or s.countries == ["NL"]:
                    cells = len(themes) // 2  # national or global bodies: themes only, halved
                topic = self.shared(words[c.slug][1], words[s.slug][0]) + self.shared(
                    words[s.slug][1], words[c.slug][0]
                )
                score = (
                    0.45 * min(cells, 6)
                    + 0.5 * len(themes)
                    + 0.6 * self.shared(c.sectors, s.sectors)
                    + 0.15 * min(topic, 8)
                    + 0.8 * self.shared_covenant(c, s)
                )
                out.append((math.exp(score) * c.activity * s.activity, (c.slug, s.slug)))
        return out

    def stakeholder_pair_weights(self) -> list[tuple[float, tuple[str, str]]]:
        out = []
        people = self.stakeholders
        for i, a in enumerate(people):
            for b in people[i + 1 :]:
                score = (
                    0.5 * self.shared(a.themes, b.themes)
                    + 0.35 * self.shared(a.countries, b.countries)
                    + 0.4 * self.shared(a.sectors, b.sectors)
                    + 0.8 * self.shared_covenant(a, b)
                )
                out.append((math.exp(score) * a.activity * b.activity, (a.slug, b.slug)))
        return out

    def supplier_weights(self) -> list[tuple[float, tuple[str, str]]]:
        out = []
        size_pull = {"micro": 0.4, "small": 0.7, "medium": 1.0, "large": 1.6, "enterprise": 2.5}
        for u in self.companies:
            for v in self.companies:
                if u.slug == v.slug:
                    continue
                strength = max(
                    (s for su, sv, s in CHAINS if su in u.sectors and sv in v.sectors), default=0.0
                )
                if strength == 0.0:
                    continue
                score = 0.3 * self.shared(u.countries, v.countries) + 0.2 * self.shared(
                    u.themes, v.themes
                )
                weight = strength * math.exp(score) * math.sqrt(u.activity) * size_pull[v.size_band]
                out.append((weight, (u.slug, v.slug)))
        return out

    def link_weights(self) -> dict[tuple[str, str], float]:
        """The latent weight of every company and stakeholder pair, both orders.

        The weights that ``partner`` and ``introduced`` links are drawn in proportion to
        (call after :meth:`build`; memberships fix them). Not used to make the demo: it is
        the yardstick that ``benchmarks/demo_ceiling.py`` ranks by, to show how well any
        model could do on the demo's links.
        """
        weights: dict[tuple[str, str], float] = {}
        for drawn in (
            self.company_pair_weights(),
            self.stakeholder_weights(),
            self.stakeholder_pair_weights(),
        ):
            for weight, (a, b) in drawn:
                weights[a, b] = weights[b, a] = weight
        return weights

    def partner_date(self) -> tuple[date, date | None]:
        since = random_date(self.rng, WINDOW_START, date(2026, 10, 31), skew=0.75)
        return since, maybe_ended(self.rng, since, 0.18)

    def add_drawn(self, drawn: Iterable[tuple[str, str]], type_: str, limit: int) -> int:
        added = 0
        for a, b in drawn:
            if added >= limit:
                break
            if self.links.linked(a, b):
                continue
            if type_ == "supplier_of":
                since = random_date(self.rng, WINDOW_START, date(2026, 6, 30))
                until = maybe_ended(self.rng, since, 0.12)
            elif type_ == "introduced":
                since, until = random_date(self.rng, CONVENE_START, LATEST, skew=0.8), None
            else:
                since, until = self.partner_date()
            self.links.add(a, b, type_, since, until)
            added += 1
        return added

    def latent_links(self) -> None:
        rng = self.rng
        cc = self.company_pair_weights()
        cs = self.stakeholder_weights()
        ss = self.stakeholder_pair_weights()
        sup = self.supplier_weights()
        self.add_drawn(sample_by_weight(rng, cc, 200), "partner", 170)
        self.add_drawn(sample_by_weight(rng, cs, 280), "partner", 240)
        self.add_drawn(sample_by_weight(rng, ss, 80), "partner", 60)
        self.add_drawn(sample_by_weight(rng, sup, 200), "supplier_of", 140)
        # noise: a few partnerships no feature explains
        everyone = [o.slug for o in self.companies + self.stakeholders]
        noise: list[tuple[str, str]] = []
        while len(noise) < 25:
            a, b = rng.sample(everyone, 2)
            if not self.links.linked(a, b):
                noise.append((a, b))
                self.links.add(a, b, "partner", *self.partner_date())
        # past introductions made by Convene: likely pairs not linked yet
        self.add_drawn(sample_by_weight(rng, cc, 400), "introduced", 20)
        self.add_drawn(sample_by_weight(rng, cs, 500), "introduced", 30)
        # disputes: companies with unions or NGOs whose expertise covers their risks
        critics = {s.slug for s in self.stakeholders if s.kind in ("union", "ngo")}
        candidates = [(w * w, pair) for w, pair in cs if pair[1] in critics]
        added = 0
        for company, critic in sample_by_weight(rng, candidates, 60):
            if added == 4:
                break
            if self.links.linked(company, critic):
                continue
            if added == 0:  # one dispute was settled: it stays as history
                since = random_date(rng, date(2019, 1, 1), date(2023, 6, 30))
                until: date | None = since + timedelta(days=rng.randint(200, 600))
            else:
                since, until = random_date(rng, date(2023, 1, 1), date(2026, 9, 30)), None
            self.links.add(company, critic, "dispute", since, until)
            added += 1
        for a, b in sample_by_weight(rng, cc, 400):
            if not self.links.linked(a, b):
                self.links.add(
                    a, b, "dispute", random_date(rng, date(2024, 1, 1), date(2026, 9, 30))
                )
                break

    # ------------------------------------------------------------------ contacts

    def contacts(self) -> list[list[str]]:
        rng = self.rng
        rows: list[list[str]] = []
        used: set[str] = set()
        for org in self.stakeholders + self.companies:
            if org.kind == "company":
                count = {
                    "micro": 1,
                    "small": 1,
                    "medium": rng.randint(1, 2),
                    "large": rng.randint(2, 3),
                    "enterprise": rng.randint(2, 3),
                }[org.size_band]
            else:
                count = rng.randint(1, 3)
            dutch_org = org.hq == "NL"
            finance = (
                any(PROFILES.get(s, PROFILES["retail"]).finance for s in org.sectors)
                and org.kind == "company"
            )
            roles = list(FINANCE_ROLES if finance else ROLES[org.kind])
            rng.shuffle(roles)
            tag = org.slug.replace("-", "")
            if len(tag) > 14:
                tag = "".join(part[0] for part in org.slug.split("-"))
            for index in range(count):
                if rng.random() < (0.75 if dutch_org else 0.2):
                    first, last = rng.choice(DUTCH_FIRST), rng.choice(DUTCH_LAST)
                    dutch_name = True
                else:
                    firsts, lasts = rng.choice(INTERNATIONAL_NAMES)
                    first, last = rng.choice(firsts), rng.choice(lasts)
                    dutch_name = False
                local = f"{ascii_token(first)}.{ascii_token(last)}.{tag}"
                email, n = f"{local}@example.org", 2
                while email in used:
                    email, n = f"{local}{n}@example.org", n + 1
                used.add(email)
                phone = ""
                if dutch_org and rng.random() < 0.6:
                    digits = f"{rng.randint(0, 999999):06d}"
                    phone = f"+31 6 00 {digits[:2]} {digits[2:4]} {digits[4:]}"
                language = "nl" if dutch_org and dutch_name and rng.random() < 0.85 else "en"
                digest = "never" if rng.random() < 0.15 else "weekly"
                rows.append(
                    [
                        org.slug,
                        f"{first} {last}",
                        roles[index % len(roles)],
                        email,
                        phone,
                        language,
                        digest,
                    ]
                )
        return rows

    # ------------------------------------------------------------------ output

    def build(self) -> None:
        self.make_companies()
        self.memberships()
        self.latent_links()

    def organisation_rows(self) -> list[list[str]]:
        rows = []
        for org in self.groups + self.stakeholders + self.companies:
            rows.append(
                [
                    org.slug,
                    org.name,
                    org.kind,
                    org.description,
                    org.offers,
                    org.seeks,
                    ";".join(org.sectors),
                    ";".join(org.countries),
                    ";".join(org.themes),
                    "" if org.is_group else org.size_band,
                    org.website,
                    "true" if org.open_to_introductions else "false",
                ]
            )
        return rows

    def relationship_rows(self) -> list[list[str]]:
        return [
            [
                k.source,
                k.target,
                k.type,
                k.since.isoformat(),
                k.until.isoformat() if k.until else "",
            ]
            for k in self.links.sorted()
        ]


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def generate(out_dir: Path = DEFAULT_OUT, seed: int = SEED) -> dict[str, int]:
    """Write the three demo CSVs into ``out_dir``; returns row counts per file."""
    generator = DemoGenerator(seed)
    generator.build()
    out_dir.mkdir(parents=True, exist_ok=True)
    return {
        "organisations": write_csv(
            out_dir / "organisations.csv", ORGANISATION_COLUMNS, generator.organisation_rows()
        ),
        "relationships": write_csv(
            out_dir / "relationships.csv", RELATIONSHIP_COLUMNS, generator.relationship_rows()
        ),
        "contacts": write_csv(out_dir / "contacts.csv", CONTACT_COLUMNS, generator.contacts()),
    }


def main(argv: Sequence[str]) -> int:
    out_dir = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    counts = generate(out_dir)
    print(", ".join(f"{name}: {count}" for name, count in counts.items()), f"-> {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
