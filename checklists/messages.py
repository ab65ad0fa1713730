"""Why an answer is not valid, written whole in English and in Welsh.

The Welsh sentences have not yet been reviewed by a Welsh speaker
(WELSH_REVIEWED = False); they are written as Welsh sentences, never assembled
from English pieces. Numbers are placed where Welsh needs no mutation after them
("o eiriau" constructions), and where a noun must agree with a number we choose
the form by the CLDR plural category of Welsh.
"""

from __future__ import annotations

from dataclasses import dataclass

WELSH_REVIEWED = False


@dataclass(frozen=True, slots=True)
class Reason:
    en: str
    cy: str

    def text(self, lang: str) -> str:
        return self.cy if lang == "cy" else self.en


def plural_category_cy(n: int) -> str:
    """CLDR plural category for Welsh: zero, one, two, few, many or other."""
    return {0: "zero", 1: "one", 2: "two", 3: "few", 6: "many"}.get(abs(n), "other")


def _people_cy(n: int) -> str:
    # "person" after one, "o bobl" otherwise; numerals stay as digits.
    return "un person" if plural_category_cy(n) == "one" else f"{n} o bobl"


def _people_en(n: int) -> str:
    return "1 person" if n == 1 else f"{n} people"


def not_yes_no() -> Reason:
    return Reason("Answer yes or no.", "Atebwch ie neu na.")


def not_text() -> Reason:
    return Reason("Write your answer as text.", "Ysgrifennwch eich ateb fel testun.")


def too_many_words(limit: int, count: int) -> Reason:
    return Reason(
        f"Use {limit} words or fewer. This answer has {count}.",
        f"Defnyddiwch {limit} o eiriau neu lai. Mae {count} o eiriau yn yr ateb hwn.",
    )


def too_many_characters(limit: int) -> Reason:
    return Reason(
        f"Use {limit} characters or fewer: a word this long is more than an answer needs.",
        f"Defnyddiwch {limit} nod neu lai: mae gair mor hir â hyn yn fwy nag sydd ei angen.",
    )


def too_few_words(minimum: int, count: int) -> Reason:
    return Reason(
        f"Use at least {minimum} words. This answer has {count}.",
        f"Defnyddiwch o leiaf {minimum} o eiriau. Mae {count} o eiriau yn yr ateb hwn.",
    )


def unknown_option(value: str) -> Reason:
    return Reason(
        f"'{value}' is not one of the choices. Choose from the list.",
        f"Nid yw '{value}' yn un o'r dewisiadau. Dewiswch o'r rhestr.",
    )


def not_choice_list() -> Reason:
    return Reason("Choose from the list.", "Dewiswch o'r rhestr.")


def chosen_twice(value: str) -> Reason:
    return Reason(f"'{value}' is chosen twice.", f"Mae '{value}' wedi'i ddewis ddwywaith.")


def too_few_chosen(minimum: int) -> Reason:
    return Reason(
        f"Choose at least {minimum} from the list.",
        f"Dewiswch o leiaf {minimum} o'r rhestr.",
    )


def too_many_chosen(maximum: int) -> Reason:
    return Reason(
        f"Choose no more than {maximum} from the list.",
        f"Peidiwch â dewis mwy na {maximum} o'r rhestr.",
    )


def not_whole_number() -> Reason:
    return Reason("Give a whole number, like 4.", "Rhowch rif cyfan, fel 4.")


def number_too_small(minimum: int) -> Reason:
    return Reason(
        f"Give a number of {minimum} or more.",
        f"Rhowch rif sy'n {minimum} neu'n fwy.",
    )


def number_too_large(maximum: int) -> Reason:
    return Reason(
        f"Give a number of {maximum} or less.",
        f"Rhowch rif sy'n {maximum} neu'n llai.",
    )


def not_date() -> Reason:
    return Reason(
        "Give a date as year-month-day, like 2026-03-31.",
        "Rhowch ddyddiad ar ffurf blwyddyn-mis-diwrnod, fel 2026-03-31.",
    )


def date_too_early(earliest: str) -> Reason:
    return Reason(
        f"Give a date on or after {earliest}.",
        f"Rhowch ddyddiad ar {earliest} neu ar ôl hynny.",
    )


def date_too_late(latest: str) -> Reason:
    return Reason(
        f"Give a date on or before {latest}.",
        f"Rhowch ddyddiad ar {latest} neu cyn hynny.",
    )


def not_link(schemes: tuple[str, ...]) -> Reason:
    starts = " or ".join(f"{s}://" for s in schemes)
    starts_cy = " neu ".join(f"{s}://" for s in schemes)
    return Reason(
        f"Give a web link that starts with {starts}.",
        f"Rhowch ddolen we sy'n dechrau gyda {starts_cy}.",
    )


def link_with_userinfo() -> Reason:
    # "https://council.example@elsewhere.example/" goes to elsewhere.example: a name
    # before "@" only hides where a link goes (the Welsh awaits a Welsh speaker's review).
    return Reason(
        "Give the web link without a name or password before the address "
        "(nothing before an @ sign): it can hide where the link goes.",
        "Rhowch y ddolen we heb enw na chyfrinair cyn y cyfeiriad "
        "(dim byd cyn arwydd @): gall guddio i ble mae'r ddolen yn mynd.",
    )


def not_people() -> Reason:
    return Reason(
        "List the people, one name or email address each.",
        "Rhestrwch y bobl, un enw neu gyfeiriad e-bost yr un.",
    )


def person_twice(value: str) -> Reason:
    return Reason(f"'{value}' is listed twice.", f"Mae '{value}' wedi'i restru ddwywaith.")


def too_few_people(minimum: int) -> Reason:
    return Reason(
        f"Name at least {_people_en(minimum)}.",
        f"Enwch o leiaf {_people_cy(minimum)}.",
    )


def too_many_people(maximum: int) -> Reason:
    return Reason(
        f"Name no more than {_people_en(maximum)}.",
        f"Peidiwch ag enwi mwy na {_people_cy(maximum)}.",
    )
