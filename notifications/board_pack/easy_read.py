"""The Easy Read papers in one language: short sentences, each beside a picture.

They carry the same decision content as the standard papers (why the work is before
the Board, the rules' reasons in their Easy Read words; every answer, in the
item's Easy Read words: a choice by its Easy Read label, "People share the work and
the decisions with us as equals." rather than "Co-production"; what is missing or not met,
and the exceptions; what the reviewers recommended and wrote; how people with lived
experience took part; the conditions proposed; the interests declared, in the
members' words), and on their first page how to vote and by when. Every point, a
list's items too, is a sentence beside its picture: Easy Read has no bare lists.

The Welsh is written whole and, like the message templates, not yet reviewed by a
Welsh speaker.
"""

from __future__ import annotations

from governance.board_pack import AgendaItem, BoardPack, Question, Words
from notifications import words
from notifications.board_pack.blocks import Block, free_text
from notifications.board_pack.wording import by, day, reason_words, title


def easy_question(question: Question, lang: str) -> str:
    """The question in Easy Read where the item has it, else as written."""
    return question.easy_read.get(lang) or question.question.get(lang)


def easy_read_blocks(pack: BoardPack, lang: str) -> list[Block]:
    cy = lang == "cy"
    blocks = [
        Block("h1", title(pack, lang)),
        Block(
            "point",
            f"Dyddiad cyfarfod y Bwrdd yw {day(pack.meeting, lang)}."
            if cy
            else f"The Board meets on {day(pack.meeting, lang)}.",
            picture="calendar",
        ),
    ]
    if not pack.agenda:
        blocks.append(
            Block(
                "point",
                "Does dim gwaith i bleidleisio arno y tro yma."
                if cy
                else "There is no work to vote on this time.",
                picture="information",
            )
        )
    else:
        blocks.append(
            Block(
                "point",
                "Bydd y Bwrdd yn siarad am y gwaith yma:"
                if cy
                else "The Board will talk about this work:",
                picture="checklist",
            )
        )
        for item in pack.agenda:
            blocks += [Block("point", item.title, picture="checklist"), _summary(item, lang)]
        blocks += _how_to_vote(pack, lang)
    for item in pack.agenda:
        blocks += _easy_read_item(pack, item, lang)
    if pack.audit is not None:
        # The same check code as the standard papers (their audit head), so the
        # minutes can name one code whichever papers a member read.
        blocks.append(
            Block(
                "point",
                f"Cod gwirio'r papurau yma yw {pack.audit.head}."
                if cy
                else f"The check code for these papers is {pack.audit.head}.",
                picture="information",
            )
        )
    return blocks


def _summary(item: AgendaItem, lang: str) -> Block:
    """Under the venture's title: its Easy Read summary, as its lead wrote it and a
    co-producer agreed to it (marked with its language when not the papers'), or that
    there is none yet."""
    if item.summary is None:
        return Block(
            "point",
            "Does dim crynodeb Hawdd ei Ddeall o'r gwaith yma eto."
            if lang == "cy"
            else "There is no Easy Read summary of this work yet.",
            picture="information",
        )
    # In the papers' language once translated (services.free_text); else as written,
    # marked with its language when that is not the papers'.
    shown, other = item.free(item.summary.text, lang)
    if other is None and shown == item.summary.text and item.summary.lang != lang:
        other = item.summary.lang
    return Block("point", " ".join(shown.split()), picture="information", lang=other)


def _each(texts: tuple[str, ...], picture: str) -> list[Block]:
    """A list as Easy Read writes one: each item a point beside its picture."""
    return [Block("point", text, picture=picture) for text in texts]


def _how_to_vote(pack: BoardPack, lang: str) -> list[Block]:
    """On the first page: how to vote, where, and by when (each venture's own day)."""
    cy = lang == "cy"
    blocks = [Block("h2", "Sut i bleidleisio" if cy else "How to vote")]
    for item in pack.agenda:
        if pack.leaves_item(item):
            continue
        blocks += [
            Block(
                "point",
                f"I bleidleisio ar “{item.title}”, agorwch y dudalen yma ar wefan Cyd: "
                f"{pack.vote_url(item)}"
                if cy
                else f"To vote on “{item.title}”, open this page on the Cyd website: "
                f"{pack.vote_url(item)}",
                picture="vote",
            ),
            Block(
                "point",
                f"Pleidleisiwch {by(item.vote_by, lang, easy_read=True)}."
                if cy
                else f"Please vote {by(item.vote_by, lang, easy_read=True)}.",
                picture="clock",
            ),
        ]
    blocks += [
        Block(
            "point",
            "Neu dywedwch wrth y clerc sut rydych chi'n pleidleisio. "
            "Bydd y clerc yn ei ysgrifennu i chi."
            if cy
            else "Or tell the clerk how you vote. The clerk writes it down for you.",
            picture="speech",
        ),
        Block(
            "point",
            "Wedyn byddwch chi'n gwirio beth ysgrifennodd y clerc."
            if cy
            else "Then you check what the clerk wrote.",
            picture="tick",
        ),
        Block(
            "point",
            "Cewch chi ofyn am fwy o amser os oes angen."
            if cy
            else "You can ask for more time if you need it.",
            picture="clock",
        ),
        Block(
            "point",
            "Gall eich cefnogwr eich helpu chi. Ond dim ond chi all bleidleisio."
            if cy
            else "Your supporter can help you. But only you can vote.",
            picture="people",
        ),
    ]
    return blocks


def _easy_read_item(pack: BoardPack, item: AgendaItem, lang: str) -> list[Block]:
    cy = lang == "cy"
    answered = sum(c.answered for c in item.checklists)
    blocks = [
        Block("h2", item.title),
        Block(
            "point",
            f"{item.lead} sy'n arwain y gwaith yma." if cy else f"{item.lead} leads this work.",
            picture="person",
        ),
        Block(
            "point",
            f"Mae ateb i {words.count('cy', answered, 'question')} ar y rhestr."
            if cy
            else f"{words.count('en', answered, 'question')} on the list "
            f"{'has' if answered == 1 else 'have'} an answer.",
            picture="tick",
        ),
    ]
    blocks += _why(item, lang)
    blocks += _answers(item, lang)
    blocks += _missing(item, lang)
    blocks += _reviews(item, lang)
    blocks += _involvement(item, lang)
    blocks += _conditions(item, lang)
    blocks += _interests(item, lang)
    if pack.leaves_item(item):
        blocks.append(
            Block(
                "point",
                "Mae gennych chi gysylltiad â'r gwaith yma. Fyddwch chi ddim yn pleidleisio arno."
                if cy
                else "You have a link to this work. You will not vote on it.",
                picture="pause",
            )
        )
    else:
        blocks.append(
            Block(
                "point",
                f"Pleidleisiwch {by(item.vote_by, lang, easy_read=True)} os gwelwch yn dda. "
                f"Pleidleisiwch yma: {pack.vote_url(item)}"
                if cy
                else f"Please vote {by(item.vote_by, lang, easy_read=True)}. "
                f"Vote here: {pack.vote_url(item)}",
                picture="vote",
            )
        )
    return blocks


def _why(item: AgendaItem, lang: str) -> list[Block]:
    """Why the work is before the Board: the rules' reasons, as the standard papers give
    them, in Easy Read (one the catalogue cannot write is left out, as in messages)."""
    said = tuple(w for w in (reason_words(r, lang, True) for r in item.reasons) if w)
    if not said:
        return []
    heading = (
        "Pam mae'r Bwrdd yn edrych ar y gwaith yma"
        if lang == "cy"
        else "Why the Board looks at this work"
    )
    return [Block("h3", heading), *_each(said, "information")]


def _answers(item: AgendaItem, lang: str) -> list[Block]:
    cy = lang == "cy"
    blocks = [Block("h3", "Yr atebion" if cy else "The answers")]
    for summary in item.checklists:
        for given in summary.answers:
            blocks.append(Block("point", easy_question(given.question, lang), picture="question"))
            blocks.append(
                Block("point", free_text("", item.free(given.easy(lang), lang)), picture="speech")
            )
    if not any(summary.answers for summary in item.checklists):
        blocks.append(
            Block(
                "point",
                "Does dim atebion eto." if cy else "There are no answers yet.",
                picture="information",
            )
        )
    return blocks


def _missing(item: AgendaItem, lang: str) -> list[Block]:
    cy = lang == "cy"
    required = [q for c in item.checklists for q in c.missing_required]
    advisory = [q for c in item.checklists for q in c.missing_advisory]
    blocks = [Block("h3", "Beth sydd ar goll" if cy else "What is missing")]
    if required:
        n = len(required)
        blocks.append(
            Block(
                "point",
                f"Does dim ateb eto i {words.count('cy', n, 'question')} pwysig:"
                if cy
                else f"{words.count('en', n, 'question')} that matter "
                f"{'has' if n == 1 else 'have'} no answer yet:",
                picture="warning",
            )
        )
        blocks += _each(tuple(easy_question(q, lang) for q in required), "warning")
    else:
        blocks.append(
            Block(
                "point",
                "Mae ateb i bob cwestiwn pwysig."
                if cy
                else "Every question that matters has an answer.",
                picture="tick",
            )
        )
    if advisory:
        blocks.append(
            Block(
                "point",
                "Does dim ateb i'r cwestiynau yma chwaith. Does dim rhaid cael ateb iddyn nhw:"
                if cy
                else "These questions have no answer either. They do not have to have one:",
                picture="information",
            )
        )
        blocks += _each(tuple(easy_question(q, lang) for q in advisory), "information")
    not_met = [n for c in item.checklists for n in c.not_met]
    if not_met:
        blocks.append(
            Block(
                "point",
                "Mae'r atebion yma'n bod, ond dydyn nhw ddim yn ddigon da eto:"
                if cy
                else "These answers are there, but they are not good enough yet:",
                picture="warning",
            )
        )
        blocks += _each(
            tuple(f"{easy_question(n.question, lang)} {n.easy_read.get(lang)}" for n in not_met),
            "warning",
        )
    exceptions = [e for c in item.checklists for e in c.exceptions]
    if exceptions:
        blocks.append(
            Block(
                "point",
                "Dydy'r pethau yma ddim wedi'u gwneud. Dyma pam, yn eu geiriau nhw:"
                if cy
                else "These things are not done. Here is why, in their words:",
                picture="information",
            )
        )
        blocks += _each(
            tuple(f"{easy_question(e.question, lang)} {e.justification}" for e in exceptions),
            "speech",
        )
    return blocks


def _reviews(item: AgendaItem, lang: str) -> list[Block]:
    cy = lang == "cy"
    blocks = [Block("h3", "Beth ddywedodd yr adolygwyr" if cy else "What the reviewers said")]
    if not item.reviews:
        blocks.append(
            Block(
                "point",
                "Does neb wedi edrych ar y gwaith eto."
                if cy
                else "Nobody has checked the work yet.",
                picture="magnifier",
            )
        )
    for review in item.reviews:
        # The reviewer's name again, never "they": in Easy Read a "they" after a named
        # person reads as other people (and Welsh "nhw" is plainly plural).
        who = review.reviewer
        said = (
            Words(f"{who} said it can go ahead.", f"Dywedodd {who} ei fod yn gallu mynd ymlaen.")
            if review.recommend == "go"
            else Words(
                f"{who} said it needs more work first.",
                f"Dywedodd {who} fod angen mwy o waith arno yn gyntaf.",
            )
        )
        blocks.append(
            Block(
                "point",
                f"Edrychodd {who} ar y gwaith. {said.cy}"
                if cy
                else f"{who} checked the work. {said.en}",
                picture="magnifier",
            )
        )
        if review.note:
            blocks.append(
                Block(
                    "point",
                    free_text(
                        f"Ysgrifennodd {who}: " if cy else f"{who} wrote: ",
                        item.free(review.note, lang),
                    ),
                    picture="speech",
                )
            )
        if review.stale:
            blocks.append(
                Block(
                    "point",
                    f"Newidiodd ateb ar ôl i {who} edrych."
                    if cy
                    else f"An answer changed after {who} checked it.",
                    picture="warning",
                )
            )
    return blocks


def _involvement(item: AgendaItem, lang: str) -> list[Block]:
    cy = lang == "cy"
    taking = item.involvement
    blocks = [Block("h3", "Pobl â phrofiad bywyd" if cy else "People with lived experience")]
    if taking.people:
        blocks.append(
            Block(
                "point",
                f"Daeth {taking.answers} o'r {taking.of} ateb gan bobl â phrofiad bywyd."
                if cy
                else f"{taking.answers} of the {taking.of} answers came from people "
                "with lived experience.",
                picture="people",
            )
        )
        blocks.append(
            Block(
                "point",
                "Dyma nhw: " + ", ".join(taking.people) + "."
                if cy
                else "They are: " + ", ".join(taking.people) + ".",
                picture="person",
            )
        )
    else:
        blocks.append(
            Block(
                "point",
                "Ddaeth dim atebion gan bobl â phrofiad bywyd."
                if cy
                else "No answers came from people with lived experience.",
                picture="warning",
            )
        )
    for name in taking.signed_off:
        blocks.append(
            Block(
                "point",
                f"Dywedodd {name} fod yr atebion yn iawn."
                if cy
                else f"{name} said the answers are right.",
                picture="tick",
            )
        )
    return blocks


def _conditions(item: AgendaItem, lang: str) -> list[Block]:
    cy = lang == "cy"
    blocks = [Block("h3", "Amodau" if cy else "Conditions")]
    if item.conditions:
        blocks.append(
            Block(
                "point",
                "Dywedodd rhai aelodau ‘ie’, os bydd y pethau yma'n cael eu gwneud:"
                if cy
                else "Some members said yes, if these things are done:",
                picture="checklist",
            )
        )
        blocks += _each(
            tuple(free_text("", item.free(c, lang)) for c in item.conditions), "checklist"
        )
    else:
        blocks.append(
            Block(
                "point",
                "Does neb wedi gofyn am amodau eto."
                if cy
                else "Nobody has asked for conditions yet.",
                picture="information",
            )
        )
    return blocks


def _interests(item: AgendaItem, lang: str) -> list[Block]:
    cy = lang == "cy"
    blocks = []
    for interest in item.interests:
        blocks.append(
            Block(
                "point",
                f"Mae gan {interest.member} gysylltiad â'r gwaith yma. "
                f"Fydd {interest.member} ddim yn pleidleisio arno."
                if cy
                else f"{interest.member} has a link to this work. "
                f"{interest.member} will not vote on it.",
                picture="warning",
            )
        )
        if interest.text:  # what they declared, in their own words, as the standard papers
            blocks.append(
                Block(
                    "point",
                    f"Dywedodd {interest.member}: “{interest.text}”"
                    if cy
                    else f"{interest.member} said: “{interest.text}”",
                    picture="speech",
                )
            )
    if not item.interests:
        blocks.append(
            Block(
                "point",
                "Does neb wedi dweud bod ganddyn nhw gysylltiad â'r gwaith yma."
                if cy
                else "Nobody has said they have a link to this work.",
                picture="information",
            )
        )
    return blocks
