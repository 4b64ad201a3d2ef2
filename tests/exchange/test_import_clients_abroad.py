"""Clients abroad in an import file: the country (a name in Hebrew or English, or its code),
the letters' language and the gender, read into what the client's card stores, a postcode
checked by its own country's rule, and every bad value named by its line and column in
the dry run; invoices in pounds sterling beside them."""
import pytest

from models.exchange.importing import ImportFailed, import_files
from models.ledger.clients import Client
from models.ledger.invoices import Invoice
from models.ledger.payments import Payment
from tests.exchange.test_import import failures, write_csv, write_text

HEADER = ["מספר לקוח", "שם", "מדינה", "עיר", "מיקוד", "שפת מכתבים", "מגדר"]


def test_country_language_and_gender_columns_are_stored_as_the_card_stores_them(db, tmp_path):
    path = write_csv(tmp_path, "clients.csv", HEADER, [
        ["C1", "Silverline Health Ltd.", "United Kingdom", "London", "ec2a 1as", "English", ""],
        ["C2", "Rivoli Studio SAS", "צרפת", "Paris", "75001", "אנגלית", ""],
        ["C3", "Dana Levi", "US", "Boston, MA", "02116", "en", "נקבה"],
        ["C4", 'כהן ובניו בע"מ', "", "חיפה", "3100000", "", ""],
        ["C5", "רון מזרחי", "ישראל", "חולון", "5800000", "עברית", "male"],
    ])

    result = import_files(clients=path)

    assert result.added["clients"] == 5
    got = {c.external_id: (c.country, c.zip, c.letter_language, c.gender)
           for c in Client.select()}
    assert got == {
        "C1": ("GB", "EC2A 1AS", "en", "unknown"),
        "C2": ("FR", "75001", "en", "unknown"),
        "C3": ("US", "02116", "en", "female"),
        "C4": ("IL", "3100000", "he", "unknown"),  # no country: Israel, Hebrew letters
        "C5": ("IL", "5800000", "he", "male"),
    }
    assert Client.get(Client.external_id == "C1").is_abroad


def test_english_headings_for_the_new_columns(db, tmp_path):
    path = write_text(tmp_path, "c.csv", "name,Country,Letter Language,Gender,zip\r\n"
                                         "Northwind Labs GmbH,germany,EN,,10117\r\n")

    import_files(clients=path)

    client = Client.get()
    assert (client.country, client.letter_language, client.zip) == ("DE", "en", "10117")


def test_bad_values_are_named_by_line_and_column_in_the_dry_run(db, tmp_path):
    path = write_csv(tmp_path, "clients.csv", HEADER, [
        ["C1", "Silverline Health Ltd.", "Atlantis", "London", "EC2A 1AS", "en", ""],
        ["C2", "Rivoli Studio SAS", "France", "Paris", "75001", "French", ""],
        ["C3", "Dana Levi", "US", "Boston", "02116", "en", "maybe"],
        ["C4", "Brightpath Media Ltd.", "GB", "London", "EC2A#1AS", "en", ""],
    ])

    with pytest.raises(ImportFailed) as info:
        import_files(clients=path, dry_run=True)
    errors = [str(e) for e in info.value.errors]

    assert [e.split(":")[0] for e in errors] == [
        f"שורה {line} בקובץ clients.csv" for line in (2, 3, 4, 5)]
    assert "מדינה: " in errors[0] and "'Atlantis'" in errors[0]
    assert "מיקוד" not in errors[0]  # the postcode is not judged by a country we do not know
    assert errors[1].endswith("שפת מכתבים: שפת המכתבים 'French' אינה מוכרת; כתבו 'עברית' או "
                              "'אנגלית' (he / en).")
    assert errors[2].endswith("מגדר: המגדר 'maybe' אינו מוכר; כתבו 'נקבה' או 'זכר', או "
                              "השאירו את התא ריק.")
    assert "מיקוד: " in errors[3] and "EC2A#1AS" in errors[3]
    assert not Client.select().exists()


def test_a_postcode_abroad_is_not_judged_as_an_israeli_one(db, tmp_path):
    """Without the country, `SW1A 1AA` is no 7-digit Israeli postal code and is refused."""
    israeli = write_csv(tmp_path, "il.csv", ["שם", "מיקוד"], [["Silverline Health Ltd.",
                                                              "SW1A 1AA"]])
    assert len(failures(clients=israeli)) == 1

    abroad = write_csv(tmp_path, "gb.csv", ["שם", "מיקוד", "מדינה"],
                       [["Silverline Health Ltd.", "SW1A 1AA", "בריטניה"]])
    import_files(clients=abroad)
    assert (Client.get().country, Client.get().zip) == ("GB", "SW1A 1AA")


def test_an_existing_client_abroad_differing_in_country_is_named_in_words(db, tmp_path):
    path = write_csv(tmp_path, "c.csv", ["מספר לקוח", "שם", "מדינה"],
                     [["C1", "Silverline Health Ltd.", "United Kingdom"]])
    import_files(clients=path)
    assert import_files(clients=path).skipped["clients"] == 1  # the same file again: nothing
    path = write_csv(tmp_path, "c.csv", ["מספר לקוח", "שם", "מדינה"],
                     [["C1", "Silverline Health Ltd.", "Ireland"]])

    errors = failures(clients=path)

    assert len(errors) == 1
    assert "מדינה: במסד בריטניה, בקובץ אירלנד" in errors[0]
    assert Client.get().country == "GB"


def test_invoices_in_pounds_sterling_are_imported(db, tmp_path):
    clients = write_csv(tmp_path, "clients.csv", ["מספר לקוח", "שם", "מדינה"],
                        [["C1", "Silverline Health Ltd.", "UK"]])
    invoices = write_csv(tmp_path, "invoices.csv", ["מספר חשבונית", "לקוח", "תאריך", "סכום",
                                                    "מטבע"], [
        ["1", "C1", "01/10/2026", "£1,250.00", "£"],
        ["2", "C1", "02/10/2026", "800", 'ליש"ט'],
        ["3", "C1", "03/10/2026", "300", "GBP"],
        ["4", "C1", "04/10/2026", "300", "פאונד"],
    ])

    import_files(clients=clients, invoices=invoices)

    got = sorted((i.number, i.currency, i.amount_agorot) for i in Invoice.select())
    assert got == [("1", "GBP", 125000), ("2", "GBP", 80000), ("3", "GBP", 30000),
                   ("4", "GBP", 30000)]


def test_an_unknown_currency_names_the_currencies_the_ledger_keeps(db, tmp_path):
    clients = write_csv(tmp_path, "clients.csv", ["שם"], [["Silverline Health Ltd."]])
    invoices = write_csv(tmp_path, "invoices.csv", ["מספר חשבונית", "לקוח", "תאריך", "סכום",
                                                    "מטבע"],
                         [["1", "Silverline Health Ltd.", "01/10/2026", "100", "CAD"]])

    errors = failures(clients=clients, invoices=invoices)

    assert len(errors) == 1 and "'CAD'" in errors[0]
    assert "ILS, USD, EUR, GBP" in errors[0]


def test_the_sign_in_an_amount_cell_is_its_currency_when_the_column_is_empty(db, tmp_path):
    clients = write_csv(tmp_path, "clients.csv", ["שם"], [["Silverline Health Ltd."]])
    invoices = write_csv(tmp_path, "invoices.csv", ["מספר חשבונית", "לקוח", "תאריך", "סכום",
                                                    "מטבע"], [
        ["1", "Silverline Health Ltd.", "01/10/2026", "£1,250", ""],
        ["2", "Silverline Health Ltd.", "02/10/2026", "$80", ""],
        ["3", "Silverline Health Ltd.", "03/10/2026", '300 ש"ח', ""],
        ["4", "Silverline Health Ltd.", "04/10/2026", "300", ""],
    ])
    payments = write_csv(tmp_path, "payments.csv", ["אסמכתא", "לקוח", "תאריך", "סכום",
                                                    "חשבונית"],
                         [["T-1", "Silverline Health Ltd.", "05/10/2026", "£250", "1"]])

    import_files(clients=clients, invoices=invoices, payments=payments)

    got = sorted((i.number, i.currency, i.amount_agorot) for i in Invoice.select())
    assert got == [("1", "GBP", 125000), ("2", "USD", 8000), ("3", "ILS", 30000),
                   ("4", "ILS", 30000)]
    [payment] = Payment.select()
    assert (payment.currency, payment.amount_agorot) == ("GBP", 25000)


def test_a_sign_that_contradicts_the_currency_column_is_named_and_nothing_is_written(
        db, tmp_path):
    clients = write_csv(tmp_path, "clients.csv", ["שם"], [["Silverline Health Ltd."]])
    invoices = write_csv(tmp_path, "invoices.csv", ["מספר חשבונית", "לקוח", "תאריך", "סכום",
                                                    "מטבע"],
                         [["1", "Silverline Health Ltd.", "01/10/2026", "£1,250", "ILS"]])

    errors = failures(clients=clients, invoices=invoices)

    assert len(errors) == 1 and "GBP" in errors[0] and "ILS" in errors[0]
    assert Invoice.select().count() == 0


def test_public_payers_are_imported_by_their_kind(db, tmp_path):
    clients = write_csv(tmp_path, "clients.csv", ["שם", "סוג לקוח"], [
        ["עיריית חולון", "עירייה"], ["משרד הבריאות", "גוף ציבורי"],
        ["מועצה אזורית גולן", "Local authority"], ["דנה לוי", "פרטי"]])

    import_files(clients=clients)

    assert {c.name: c.kind for c in Client.select()} == {
        "עיריית חולון": "local_authority", "משרד הבריאות": "public_body",
        "מועצה אזורית גולן": "local_authority", "דנה לוי": "person"}


def test_an_unknown_client_kind_names_the_four_kinds(db, tmp_path):
    clients = write_csv(tmp_path, "clients.csv", ["שם", "סוג לקוח"], [["עמותת לב", "עמותה"]])
    [error] = failures(clients=clients)
    assert "'עמותה'" in error and "רשות מקומית" in error
