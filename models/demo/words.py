"""Word lists the demo ledger is made of: Hebrew names with a Latin spelling (for e-mail
addresses), company and non-profit name parts, Israeli cities with the first digits of
their postal codes, streets, banks, invoice descriptions; towns abroad with their
countries, currencies, streets and postcodes.

Invented combinations of common words; any resemblance to a real business is chance.
"""
from __future__ import annotations

from typing import NamedTuple

# (Hebrew, Latin) pairs.
MALE_NAMES = [
    ("דוד", "david"), ("יוסף", "yosef"), ("משה", "moshe"), ("אברהם", "avraham"),
    ("יצחק", "yitzhak"), ("יעקב", "yaakov"), ("דניאל", "daniel"), ("אורי", "ori"),
    ("איתי", "itay"), ("נועם", "noam"), ("עומר", "omer"), ("אייל", "eyal"), ("רון", "ron"),
    ("גיא", "guy"), ("עידו", "ido"), ("אלון", "alon"), ("יונתן", "yonatan"),
    ("אריאל", "ariel"), ("אביב", "aviv"), ("אסף", "asaf"), ("עמית", "amit"), ("רועי", "roy"),
    ("שחר", "shahar"), ("תומר", "tomer"), ("ניר", "nir"), ("אמיר", "amir"), ("יובל", "yuval"),
    ("אלעד", "elad"), ("ערן", "eran"), ("בועז", "boaz"), ("אהרון", "aharon"),
    ("שמואל", "shmuel"), ("חיים", "haim"), ("מאיר", "meir"), ("אליהו", "eliyahu"),
    ("מיכאל", "michael"), ("בנימין", "binyamin"), ("נתן", "natan"), ("זאב", "zeev"),
    ("עוזי", "uzi"), ("מוחמד", "muhammad"), ("אחמד", "ahmad"), ("עלי", "ali"),
    ("חוסאם", "husam"), ("סמיר", "samir"), ("ג'ורג'", "george"), ("ואדים", "vadim"),
    ("דמיטרי", "dmitri"), ("אלכסנדר", "alexander"), ("רפאל", "refael"), ("שלמה", "shlomo"),
    ("גלעד", "gilad"), ("עוז", "oz"), ("ליאור", "lior"), ("אופיר", "ofir"), ("מתן", "matan"),
    ("הראל", "harel"), ("צחי", "tzahi"), ("קובי", "kobi"), ("ששון", "sasson"),
]
FEMALE_NAMES = [
    ("שרה", "sara"), ("רחל", "rachel"), ("מיכל", "michal"), ("נועה", "noa"), ("תמר", "tamar"),
    ("יעל", "yael"), ("שירה", "shira"), ("מאיה", "maya"), ("רוני", "roni"), ("הילה", "hila"),
    ("ענבל", "inbal"), ("לימור", "limor"), ("אורית", "orit"), ("דנה", "dana"), ("קרן", "keren"),
    ("ליאת", "liat"), ("אסתר", "ester"), ("רבקה", "rivka"), ("לאה", "lea"), ("חנה", "hana"),
    ("אילנה", "ilana"), ("גלית", "galit"), ("סיגל", "sigal"), ("עדי", "adi"), ("טל", "tal"),
    ("הדס", "hadas"), ("אביגיל", "avigail"), ("נגה", "noga"), ("רותם", "rotem"),
    ("אפרת", "efrat"), ("מירב", "meirav"), ("שני", "shani"), ("ליה", "lia"),
    ("אלינור", "elinor"), ("אנה", "anna"), ("יוליה", "yulia"), ("סבטלנה", "svetlana"),
    ("פאטמה", "fatma"), ("מרים", "miriam"), ("ראנה", "rana"), ("לינה", "lina"), ("נור", "nur"),
    ("רים", "rim"), ("הודיה", "hodaya"), ("ספיר", "sapir"), ("עינב", "einav"),
    ("שלומית", "shlomit"), ("צילה", "tzila"), ("פנינה", "pnina"), ("ורד", "vered"),
    ("אורנה", "orna"), ("דורית", "dorit"), ("יפעת", "yifat"), ("מורן", "moran"),
    ("חן", "chen"), ("אושרת", "oshrat"), ("ציפורה", "tzipora"), ("בתיה", "batya"),
    ("נטע", "neta"), ("גאיה", "gaya"),
]
SURNAMES = [
    ("כהן", "cohen"), ("לוי", "levi"), ("מזרחי", "mizrahi"), ("פרץ", "peretz"),
    ("ביטון", "biton"), ("דהן", "dahan"), ("אברהם", "avraham"), ("פרידמן", "friedman"),
    ("אזולאי", "azulay"), ("מלכה", "malka"), ("חדד", "hadad"), ("גבאי", "gabay"),
    ("יוסף", "yosef"), ("אוחיון", "ohayon"), ("אלון", "alon"), ("שפירא", "shapira"),
    ("גולדברג", "goldberg"), ("רוזנברג", "rosenberg"), ("כץ", "katz"),
    ("אשכנזי", "ashkenazi"), ("בן דוד", "ben-david"), ("שלום", "shalom"), ("עמר", "amar"),
    ("דוד", "david"), ("ברק", "barak"), ("חזן", "hazan"), ("סויסה", "swisa"),
    ("אלמוג", "almog"), ("נחום", "nahum"), ("שמעוני", "shimoni"), ("רביבו", "revivo"),
    ("טל", "tal"), ("גרינברג", "greenberg"), ("וייס", "weiss"), ("קליין", "klein"),
    ("ברגר", "berger"), ("הורוביץ", "horowitz"), ("זילברמן", "zilberman"), ("סגל", "segal"),
    ("רוזן", "rosen"), ("אקרמן", "ackerman"), ("בוזגלו", "buzaglo"), ("אלבז", "elbaz"),
    ("וקנין", "vaknin"), ("מימון", "maimon"), ("בן שושן", "ben-shushan"),
    ("אטיאס", "attias"), ("בירנבאום", "birnbaum"), ("קפלן", "kaplan"), ("לנדאו", "landau"),
    ("שטרן", "stern"), ("הרשקוביץ", "hershkovitz"), ("פישר", "fisher"), ("גולן", "golan"),
    ("ברגמן", "bergman"), ("נגר", "nagar"), ("חיים", "haim"), ("זוהר", "zohar"),
    ("שגיא", "sagi"), ("ארז", "erez"), ("בר", "bar"), ("אורן", "oren"), ("נוי", "noy"),
    ("שרעבי", "sharabi"), ("עזרא", "ezra"), ("צדוק", "tzadok"), ("קדוש", "kadosh"),
    ("סלים", "salim"), ("חורי", "khoury"), ("עבאס", "abbas"), ("מנסור", "mansour"),
    ("נסאר", "nassar"), ("חביב", "habib"), ("עואד", "awad"), ("איבנוב", "ivanov"),
    ("פטרוב", "petrov"), ("סמירנוב", "smirnov"), ("קוזלוב", "kozlov"), ("שוורץ", "schwartz"),
    ("אדלר", "adler"), ("מנדלבאום", "mandelbaum"), ("טייב", "taieb"), ("מרציאנו", "marciano"),
    ("אסולין", "assulin"), ("לביא", "lavi"), ("הראל", "harel"), ("יעקבי", "yaakobi"),
    ("גבריאלי", "gavrieli"), ("דיין", "dayan"), ("בן חיים", "ben-haim"), ("שמש", "shemesh"),
    ("פרנקו", "franco"), ("אלקיים", "elkayam"), ("ששון", "sasson"), ("יונס", "yunes"),
    ("חסון", "hasson"), ("רייכמן", "reichman"), ("טננבאום", "tenenbaum"), ("עטיה", "attia"),
    ("בוסקילה", "buskila"), ("אוחנה", "ohana"), ("סעדה", "saada"), ("קורן", "koren"),
    ("ליבוביץ", "leibovitz"), ("גורדון", "gordon"), ("שרון", "sharon"), ("מור", "mor"),
]

# Brand words and lines of business, for company names and their web domains.
BRAND_WORDS = [
    ("אופק", "ofek"), ("מגדל", "migdal"), ("נוף", "nof"), ("שחר", "shahar"),
    ("ברקת", "bareket"), ("אלפא", "alpha"), ("גלבוע", "gilboa"), ("כרמל", "carmel"),
    ("תבור", "tavor"), ("ארבל", "arbel"), ("חרמון", "hermon"), ("אגם", "agam"),
    ("אורנים", "oranim"), ("דקל", "dekel"), ("זית", "zayit"), ("רימון", "rimon"),
    ("אלה", "ela"), ("נחשון", "nahshon"), ("מעיין", "maayan"), ("קשת", "keshet"),
    ("פסגה", "pisga"), ("יהלום", "yahalom"), ("אודם", "odem"), ("לבנה", "levana"),
    ("חצב", "hatzav"), ("רקפת", "rakefet"), ("כלנית", "kalanit"), ("נרקיס", "narkis"),
    ("סביון", "savyon"), ("שקד", "shaked"), ("גפן", "gefen"), ("טופז", "topaz"),
    ("ענבר", "inbar"), ("צוקים", "tzukim"), ("מרום", "marom"), ("אלומה", "aluma"),
    ("נביעה", "neviya"), ("גשר", "gesher"), ("מצפה", "mitzpe"), ("רקיע", "rakia"),
]
BUSINESS_LINES = [
    ("הנדסה", "eng"), ("מערכות מידע", "it"), ("שיווק ופרסום", "marketing"),
    ("בנייה ופיתוח", "build"), ("ייעוץ עסקי", "consult"), ("תוכנה", "soft"),
    ("הפקות", "productions"), ("אדריכלות", "arch"), ("עיצוב פנים", "interiors"),
    ("לוגיסטיקה", "logistics"), ("יבוא ושיווק", "import"), ("מזון", "food"),
    ("אירועים", "events"), ("נדל\"ן", "realestate"), ("תקשורת", "comm"),
    ("חשמל ותאורה", "electric"), ("מיזוג אוויר", "aircon"), ("אחזקות", "holdings"),
    ("טכנולוגיות", "tech"), ("סוכנות לביטוח", "insurance"), ("תיירות", "travel"),
    ("דפוס", "print"), ("אופטיקה", "optics"), ("קוסמטיקה", "cosmetics"),
    ("רהיטים", "furniture"), ("השקעות", "invest"), ("סחר", "trade"), ("אבטחה", "security"),
    ("שירותי ניקיון", "cleaning"), ("גינון", "garden"), ("ציוד רפואי", "medical"),
    ("הדרכה", "training"), ("הסעות", "shuttles"), ("מחשוב", "computing"),
    ("קייטרינג", "catering"), ("שיפוצים", "renovations"), ("מדיה", "media"),
    ("צילום", "photo"), ("הובלות", "moving"), ("פרסום דיגיטלי", "digital"),
]
PARTNERSHIP_LINES = [
    ("עורכי דין", "law"), ("רואי חשבון", "cpa"), ("אדריכלים", "architects"),
    ("יועצי מס", "tax"), ("שמאים", "appraisers"), ("מהנדסים", "engineers"),
]
NONPROFIT_CAUSES = [
    ("ידידי הספרייה", "library"), ("למען הקשיש", "elderly"), ("קהילה ותרבות", "culture"),
    ("נוער בסיכון", "youth"), ("ספורט לכל", "sport"), ("חינוך מוזיקלי", "music"),
    ("בריאות הנפש", "mentalhealth"), ("שמירת הטבע", "nature"), ("עזרה לשכן", "neighbours"),
    ("אמנות בקהילה", "art"), ("תיאטרון צעיר", "theatre"), ("לב הגליל", "galil"),
]

# Clients abroad: a business in one of these towns, paying in its country's currency.
FOREIGN_WORDS = ["Northwind", "Blue Harbor", "Summit", "Atlas", "Crescent", "Granite",
                 "Silverline", "Brightpath", "Redwood", "Orion", "Nimbus", "Keystone",
                 "Lighthouse", "Evergreen", "Pioneer", "Meridian", "Cobalt", "Harbor Point"]
FOREIGN_LINES = ["Software", "Labs", "Media", "Analytics", "Systems", "Digital", "Ventures",
                 "Health", "Logistics", "Studios"]


class ForeignPlace(NamedTuple):
    """A town abroad as its mail and its telephones write it. `streets`: (the street line,
    `{n}` where the house number goes, as that country orders it; the street's postcode).
    In postcodes and phones '#' stands for a digit, '%' for a digit 1-9 and '@' for a
    letter that British, Irish and Dutch postcodes all use."""
    city: str
    country: str  # ISO 3166, as Client.country stores it
    currency: str
    forms: tuple[str, ...]  # the company forms of that country
    phone: str
    web: str  # the country's usual ending of a business's web address
    streets: tuple[tuple[str, str], ...]
    weight: int = 1  # how often the demo's clients abroad are there, against the others


POSTCODE_LETTERS = "DEHNPRTWX"
FOREIGN_PLACES = [
    # US: fictional 555-01xx numbers; the state follows the town, the ZIP the state.
    ForeignPlace("New York, NY", "US", "USD", ("Inc.", "LLC"), "+1 212 555 01##", ".com", (
        ("{n} Broadway", "10012"), ("{n} Park Avenue", "10022"), ("{n} Madison Avenue", "10016"),
        ("{n} Hudson Street", "10013"), ("{n} West 57th Street", "10019")), weight=3),
    ForeignPlace("Austin, TX", "US", "USD", ("Inc.", "LLC"), "+1 512 555 01##", ".com", (
        ("{n} Congress Avenue", "78701"), ("{n} East 6th Street", "78702"),
        ("{n} South Lamar Boulevard", "78704"), ("{n} Guadalupe Street", "78705"))),
    ForeignPlace("Boston, MA", "US", "USD", ("Inc.", "LLC"), "+1 617 555 01##", ".com", (
        ("{n} Boylston Street", "02116"), ("{n} Newbury Street", "02116"),
        ("{n} Tremont Street", "02108"), ("{n} Atlantic Avenue", "02110"),
        ("{n} Summer Street", "02210"))),
    ForeignPlace("San Francisco, CA", "US", "USD", ("Inc.", "LLC"), "+1 415 555 01##", ".com", (
        ("{n} Market Street", "94103"), ("{n} Mission Street", "94105"),
        ("{n} Howard Street", "94103"), ("{n} Montgomery Street", "94104"),
        ("{n} Folsom Street", "94107")), weight=2),
    # Britain: Ofcom's numbers for drama; the postcode district of each street.
    ForeignPlace("London", "GB", "GBP", ("Ltd.",), "+44 20 7946 0###", ".co.uk", (
        ("{n} Old Street", "EC1V #@@"), ("{n} Kingsway", "WC2B #@@"),
        ("{n} Fleet Street", "EC4A #@@"), ("{n} Baker Street", "W1U #@@"),
        ("{n} Great Portland Street", "W1W #@@"), ("{n} Borough High Street", "SE1 #@@"),
        ("{n} Shoreditch High Street", "E1 #@@"), ("{n} Upper Street", "N1 #@@")), weight=4),
    ForeignPlace("Manchester", "GB", "GBP", ("Ltd.",), "+44 161 496 0###", ".co.uk", (
        ("{n} Deansgate", "M3 #@@"), ("{n} Oxford Road", "M1 #@@"),
        ("{n} King Street", "M2 #@@"), ("{n} Portland Street", "M1 #@@"))),
    ForeignPlace("Edinburgh", "GB", "GBP", ("Ltd.",), "+44 131 496 0###", ".co.uk", (
        ("{n} George Street", "EH2 #@@"), ("{n} Princes Street", "EH2 #@@"),
        ("{n} Leith Walk", "EH6 #@@"), ("{n} Queen Street", "EH2 #@@"))),
    # The euro: the house number where each country writes it.
    ForeignPlace("Berlin", "DE", "EUR", ("GmbH",), "+49 30 %######", ".de", (
        ("Friedrichstraße {n}", "10117"), ("Torstraße {n}", "10119"),
        ("Kurfürstendamm {n}", "10719"), ("Oranienstraße {n}", "10999"),
        ("Schönhauser Allee {n}", "10435"), ("Karl-Marx-Allee {n}", "10243")), weight=2),
    ForeignPlace("Munich", "DE", "EUR", ("GmbH",), "+49 89 %######", ".de", (
        ("Leopoldstraße {n}", "80802"), ("Maximilianstraße {n}", "80539"),
        ("Sendlinger Straße {n}", "80331"), ("Landsberger Straße {n}", "80339"))),
    ForeignPlace("Amsterdam", "NL", "EUR", ("B.V.",), "+31 20 %## ####", ".nl", (
        ("Keizersgracht {n}", "1015 @@"), ("Herengracht {n}", "1016 @@"),
        ("Prinsengracht {n}", "1016 @@"), ("Damrak {n}", "1012 @@"),
        ("Overtoom {n}", "1054 @@")), weight=2),
    ForeignPlace("Paris", "FR", "EUR", ("SAS",), "+33 1 %# ## ## ##", ".fr", (
        ("{n} rue de Rivoli", "75001"), ("{n} boulevard Haussmann", "75009"),
        ("{n} rue Oberkampf", "75011"), ("{n} avenue des Champs-Élysées", "75008"),
        ("{n} boulevard Saint-Germain", "75006")), weight=2),
    ForeignPlace("Madrid", "ES", "EUR", ("S.L.",), "+34 91 ### ## ##", ".es", (
        ("Calle Mayor, {n}", "28013"), ("Gran Vía, {n}", "28013"),
        ("Calle de Alcalá, {n}", "28014"), ("Paseo de la Castellana, {n}", "28046"),
        ("Calle de Serrano, {n}", "28001"))),
    ForeignPlace("Dublin", "IE", "EUR", ("Ltd.",), "+353 1 %## ####", ".ie", (
        ("{n} Grafton Street", "D02 @%#%"), ("{n} Baggot Street Lower", "D02 @%#%"),
        ("{n} Capel Street", "D01 @%#%"), ("{n} Camden Street Lower", "D02 @%#%"),
        ("{n} Sir John Rogerson's Quay", "D02 @%#%")), weight=2),
]
# The currencies of the clients abroad, in turn: even a small demo has each of them.
FOREIGN_CURRENCIES = ("USD", "EUR", "GBP")

# Cities: Hebrew name, the leading digits of their 7-digit postal codes, Latin name.
CITIES = [
    ("תל אביב-יפו", "6", "tel-aviv"), ("ירושלים", "9", "jerusalem"), ("חיפה", "3", "haifa"),
    ("ראשון לציון", "75", "rishon"), ("פתח תקווה", "49", "petah-tikva"),
    ("אשדוד", "77", "ashdod"), ("נתניה", "42", "netanya"), ("באר שבע", "84", "beer-sheva"),
    ("בני ברק", "51", "bnei-brak"), ("חולון", "58", "holon"), ("רמת גן", "52", "ramat-gan"),
    ("רחובות", "76", "rehovot"), ("אשקלון", "78", "ashkelon"), ("בת ים", "59", "bat-yam"),
    ("בית שמש", "99", "beit-shemesh"), ("כפר סבא", "44", "kfar-saba"),
    ("הרצליה", "46", "herzliya"), ("חדרה", "38", "hadera"),
    ("מודיעין-מכבים-רעות", "71", "modiin"), ("רעננה", "43", "raanana"), ("רמלה", "72", "ramla"),
    ("לוד", "71", "lod"), ("נצרת", "16", "nazareth"), ("עפולה", "18", "afula"),
    ("טבריה", "14", "tiberias"), ("אילת", "88", "eilat"),
    ("קריית שמונה", "11", "kiryat-shmona"), ("כרמיאל", "21", "karmiel"),
    ("נהריה", "22", "nahariya"), ("עכו", "24", "akko"), ("גבעתיים", "53", "givatayim"),
    ("הוד השרון", "45", "hod-hasharon"), ("ראש העין", "48", "rosh-haayin"),
    ("יבנה", "81", "yavne"), ("קריית גת", "82", "kiryat-gat"), ("דימונה", "86", "dimona"),
    ("אום אל-פחם", "30", "umm-al-fahm"), ("זכרון יעקב", "30", "zichron"),
    ("קריית אונו", "55", "kiryat-ono"), ("אור יהודה", "60", "or-yehuda"),
]
STREETS = ["הרצל", "ויצמן", "ז'בוטינסקי", "בן גוריון", "רוטשילד", "אלנבי", "סוקולוב",
           "העצמאות", "הנביאים", "יפו", "הגפן", "הזית", "האלה", "הברושים", "התאנה",
           "שדרות ירושלים", "דרך השלום", "רבי עקיבא", "בר אילן", "אחד העם", "ביאליק",
           "טשרניחובסקי", "קק\"ל", "המלאכה", "התעשייה", "הבנאי", "החרושת", "הנשיא",
           "מבצע סיני", "גולדה מאיר", "יגאל אלון", "דרך מנחם בגין", "הרב קוק", "השקד"]
EMAIL_PROVIDERS = ["gmail.com", "gmail.com", "gmail.com", "walla.co.il", "hotmail.com",
                   "yahoo.com", "bezeqint.net", "012.net.il"]
MOBILE_PREFIXES = ["050", "052", "053", "054", "055", "058"]
BANKS = ["לאומי", "הפועלים", "דיסקונט", "מזרחי טפחות", "הבינלאומי", "ירושלים", "מרכנתיל",
         "הדואר"]
CONTACT_ROLES = ["מנהלת חשבונות", "מנהל חשבונות", "חשב", "סמנכ\"ל כספים", "מנכ\"ל",
                 "רכזת רכש", "בעלים", "מזכירות", "אחראית תשלומים לספקים"]
PUBLIC_ROLES = ["גזברות", "מחלקת תשלומים לספקים", "רכש והתקשרויות"]

# What the demo business sells (it designs and builds web sites and campaigns).
DESCRIPTIONS = ["בניית אתר תדמית", "עיצוב לוגו ושפה גרפית", "ייעוץ שיווקי", "שעות פיתוח",
                "הדרכת צוות", "צילום מוצרים", "ניהול קמפיין ממומן", "עיצוב מצגת משקיעים",
                "כתיבת תוכן לאתר", "הקמת חנות מקוונת", "עיצוב עלון מודפס",
                "התאמת האתר לנגישות", "עיצוב דף נחיתה", "תיקוני באגים ושדרוג גרסה"]
RETAINER_DESCRIPTIONS = ["ריטיינר חודשי", "תחזוקת אתר", "ניהול רשתות חברתיות", "אחסון ותמיכה"]
FOREIGN_DESCRIPTIONS = ["Web development services", "UX design sprint", "Landing page design",
                        "Monthly retainer", "Campaign management", "Consulting hours"]
HEBREW_MONTHS = ["ינואר", "פברואר", "מרץ", "אפריל", "מאי", "יוני", "יולי", "אוגוסט",
                 "ספטמבר", "אוקטובר", "נובמבר", "דצמבר"]
CLIENT_NOTES = ["מעדיף לקבל חשבוניות בדוא\"ל בלבד", "לשלוח חשבוניות למחלקת הכספים",
                "משלם בשיקים דחויים", "תשלום לספקים פעם בחודש, ב-10 לחודש",
                "יש לציין מספר הזמנת רכש על כל חשבונית", "לתאם שיחות אחרי 16:00",
                "איש הקשר עובד בימים א'-ג'"]
DISPUTE_REASONS = ["הנחה בהסכמה בעקבות מחלוקת על היקף העבודה", "זיכוי על עיכוב במסירה",
                   "ביטול חלק מההזמנה", "תיקון מחיר לפי הצעת המחיר"]
CREDIT_REASONS = ["החזר על שירות שלא סופק", "הנחת לקוח קבוע", "תיקון חיוב כפול"]
