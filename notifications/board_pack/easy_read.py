"""The Easy Read papers in one language: short sentences, each beside a picture.

The Welsh is written whole and, like the message templates, not yet reviewed by a
Welsh speaker.
"""

from __future__ import annotations

from governance.board_pack import AgendaItem, BoardPack, Words
from notifications import words
from notifications.board_pack.blocks import Block
from notifications.board_pack.wording import day, title


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
        blocks.append(Block("ul", items=tuple(a.title for a in pack.agenda)))
    for item in pack.agenda:
        blocks += _easy_read_item(pack, item, lang)
    blocks += [
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
    missing = sum(len(c.missing_required) for c in item.checklists)
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
    if missing:
        blocks.append(
            Block(
                "point",
                f"Does dim ateb eto i {words.count('cy', missing, 'question')} pwysig."
                if cy
                else f"{words.count('en', missing, 'question')} that matter "
                f"{'has' if missing == 1 else 'have'} no answer yet.",
                picture="warning",
            )
        )
    for summary in item.checklists:
        for key in summary.key_answers:
            blocks.append(Block("point", key.question.easy_read.get(lang), picture="question"))
            blocks.append(Block("p", key.answer.get(lang)))
    for review in item.reviews:
        said = (
            Words("They said it can go ahead.", "Dywedon nhw ei fod yn gallu mynd ymlaen.")
            if review.recommend == "go"
            else Words(
                "They said it needs more work first.",
                "Dywedon nhw fod angen mwy o waith arno yn gyntaf.",
            )
        )
        blocks.append(
            Block(
                "point",
                f"Edrychodd {review.reviewer} ar y gwaith. {said.cy}"
                if cy
                else f"{review.reviewer} checked the work. {said.en}",
                picture="magnifier",
            )
        )
    for interest in item.interests:
        blocks.append(
            Block(
                "point",
                f"Mae gan {interest.member} gysylltiad â'r gwaith yma. "
                "Fyddan nhw ddim yn pleidleisio arno."
                if cy
                else f"{interest.member} has a link to this work. They will not vote on it.",
                picture="warning",
            )
        )
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
                f"Pleidleisiwch erbyn {day(item.vote_by, lang)} os gwelwch yn dda."
                if cy
                else f"Please vote by {day(item.vote_by, lang)}.",
                picture="vote",
            )
        )
    return blocks
