"""The default self-assessment: the competence areas of the programme's competence profiles
for digital-support workers ("Digitukijan osaamisprofiilit"), two statements each, a four-step
scale and feedback per score band. Staff edit all of it on the assessment's page.

The programme description lists the profiles and the self-assessment test among its services
but does not name the areas; these five are the ones staff asked for (issue 17)."""

from __future__ import annotations

from typing import Any

MATERIALS = "https://dvv.fi/digituki"

AREAS = [
    ("digital_security", "Digitaalinen turvallisuus", "Digital säkerhet", "Digital security"),
    ("e_services", "Asiointipalvelut", "E-tjänster", "E-services"),
    ("devices", "Laitteet ja yhteydet", "Enheter och uppkopplingar", "Devices and connections"),
    ("guidance", "Ohjaus ja opastus", "Handledning och vägledning", "Guidance and instruction"),
    ("data_protection", "Tietosuoja", "Dataskydd", "Data protection"),
]

STATEMENTS = [
    (
        "phishing",
        "digital_security",
        "Tunnistan tietojenkalasteluviestin ja osaan neuvoa, mitä sille tehdään.",
        "Jag känner igen ett nätfiskemeddelande och kan råda vad man ska göra med det.",
        "I recognise a phishing message and can advise what to do with it.",
    ),
    (
        "passwords",
        "digital_security",
        "Osaan neuvoa vahvan salasanan ja kaksivaiheisen tunnistautumisen käytössä.",
        "Jag kan ge råd om starka lösenord och tvåstegsverifiering.",
        "I can advise on strong passwords and two-step verification.",
    ),
    (
        "identification",
        "e_services",
        "Osaan opastaa vahvan sähköisen tunnistautumisen käytössä.",
        "Jag kan handleda i stark elektronisk identifiering.",
        "I can guide someone through strong electronic identification.",
    ),
    (
        "authorisations",
        "e_services",
        "Osaan auttaa asioimaan toisen puolesta Suomi.fi-valtuuksien avulla.",
        "Jag kan hjälpa någon att uträtta ärenden för en annan med Suomi.fi-fullmakter.",
        "I can help someone act on another's behalf with Suomi.fi e-Authorizations.",
    ),
    (
        "smartphone",
        "devices",
        "Osaan auttaa älypuhelimen perusasetuksissa ja päivityksissä.",
        "Jag kan hjälpa med en smarttelefons grundinställningar och uppdateringar.",
        "I can help with a smartphone's basic settings and updates.",
    ),
    (
        "network",
        "devices",
        "Osaan auttaa yhdistämään laitteen langattomaan verkkoon.",
        "Jag kan hjälpa att ansluta en enhet till ett trådlöst nätverk.",
        "I can help connect a device to a wireless network.",
    ),
    (
        "teaching",
        "guidance",
        "Osaan opastaa niin, että asiakas tekee itse ja oppii.",
        "Jag kan handleda så att kunden gör själv och lär sig.",
        "I can guide so that the client does it themselves and learns.",
    ),
    (
        "referral",
        "guidance",
        "Osaan ohjata asiakkaan oikean digituen tai palvelun pariin.",
        "Jag kan hänvisa kunden till rätt digistöd eller tjänst.",
        "I can refer the client to the right digital support or service.",
    ),
    (
        "personal_data",
        "data_protection",
        "Tiedän, miten käsittelen asiakkaan henkilötietoja ja tunnuksia opastaessani.",
        "Jag vet hur jag hanterar kundens personuppgifter och koder när jag handleder.",
        "I know how to handle a client's personal data and credentials while guiding.",
    ),
    (
        "own_data",
        "data_protection",
        "Osaan neuvoa, miten omia tietoja voi tarkistaa ja hallita palveluissa.",
        "Jag kan ge råd om hur man granskar och hanterar sina egna uppgifter i tjänster.",
        "I can advise how to check and manage one's own data in services.",
    ),
]

SCALE = [
    (0, "En osaa vielä", "Jag kan inte ännu", "I cannot yet"),
    (1, "Osaan osittain", "Jag kan delvis", "I can partly"),
    (2, "Osaan hyvin", "Jag kan bra", "I can well"),
    (3, "Osaan opastaa muitakin", "Jag kan handleda andra också", "I can teach others too"),
]

FEEDBACK = {
    "low": (
        "Tällä osa-alueella on vielä opittavaa. Aloita perusteista: materiaaleista löydät "
        "lyhyet ohjeet.",
        "Inom det här området finns det ännu mycket att lära. Börja med grunderna: i "
        "materialet hittar du korta anvisningar.",
        "There is still something to learn in this area. Start with the basics: the "
        "materials have short guides.",
    ),
    "mid": (
        "Hallitset osa-alueen perusteet. Syvennä osaamistasi materiaalien ja tapahtumien avulla.",
        "Du behärskar grunderna inom området. Fördjupa ditt kunnande med materialet och "
        "evenemangen.",
        "You have the basics of this area. Deepen your skills with the materials and events.",
    ),
    "high": (
        "Osaat tämän osa-alueen hyvin. Jaa osaamistasi muille digitukijoille.",
        "Du kan det här området bra. Dela med dig av ditt kunnande till andra digistödjare.",
        "You know this area well. Share your skills with other digital-support workers.",
    ),
}


def _t(fi: str, sv: str, en: str) -> dict[str, str]:
    return {"fi": fi, "sv": sv, "en": en}


def default_definition() -> dict[str, Any]:
    return {
        "title": _t(
            "Digitukijan itsearviointitesti",
            "Självbedömningstest för digistödjare",
            "Self-assessment test for digital-support workers",
        ),
        "intro": _t(
            "Arvioi omaa osaamistasi digitukijana. Saat tuloksen osa-alueittain heti.",
            "Bedöm ditt eget kunnande som digistödjare. Du får resultatet per område direkt.",
            "Assess your own skills as a digital-support worker. You get your result by "
            "area at once.",
        ),
        "events_url": "",
        "areas": [
            {
                "key": key,
                "name": _t(fi, sv, en),
                "feedback": {
                    band: {"text": _t(*texts), "link": MATERIALS}
                    for band, texts in FEEDBACK.items()
                },
            }
            for key, fi, sv, en in AREAS
        ],
        "questions": [
            {
                "id": qid,
                "area": area,
                "text": _t(fi, sv, en),
                "choices": [
                    {"id": f"c{points}", "text": _t(cfi, csv, cen), "points": points}
                    for points, cfi, csv, cen in SCALE
                ],
            }
            for qid, area, fi, sv, en in STATEMENTS
        ],
    }
