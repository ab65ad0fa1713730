"""The standard papers in one language: the agenda, then each venture with why it is
on the agenda (the rules' reasons), its checklist, the reviewers' advice and the
interests declared.

The Welsh is written whole and, like the message templates, not yet reviewed by a
Welsh speaker.
"""

from __future__ import annotations

from governance.board_pack import AgendaItem, BoardPack, ChecklistSummary, ReviewSummary
from notifications import words
from notifications.board_pack.blocks import Block, free_text
from notifications.board_pack.wording import advice, by, day, reason_words, title


def standard_blocks(pack: BoardPack, lang: str) -> list[Block]:
    cy = lang == "cy"
    name = pack.member.name
    blocks = [
        Block("h1", title(pack, lang)),
        Block(
            "p",
            f"Ar gyfer {name}. Dyma'r mentrau sy'n aros am benderfyniad y Bwrdd."
            if cy
            else f"For {name}. These are the ventures awaiting the Board's decision.",
        ),
        Block("h2", "Agenda"),  # the same word in Welsh
    ]
    if not pack.agenda:
        blocks.append(
            Block(
                "p",
                "Does dim menter yn aros am benderfyniad y Bwrdd."
                if cy
                else "No venture is awaiting the Board's decision.",
            )
        )
    else:
        blocks.append(
            Block(
                "ul",
                items=tuple(
                    (
                        f"{n}. {a.title} ({a.gate.get(lang)}): pleidleisiwch "
                        f"{by(a.vote_by, lang, easy_read=False)}"
                        if cy
                        else f"{n}. {a.title} ({a.gate.get(lang)}): vote "
                        f"{by(a.vote_by, lang, easy_read=False)}"
                    )
                    for n, a in enumerate(pack.agenda, start=1)
                ),
            )
        )
    blocks.append(
        Block(
            "p",
            "Mae datgan buddiant yn eitem sefydlog. Os oes gennych chi fuddiant mewn menter, "
            "dywedwch wrth y cadeirydd: byddwch chi'n gadael y penderfyniad hwnnw."
            if cy
            else "Declarations of interest are a standing item. If you have an interest in a "
            "venture, tell the chair: you leave that decision.",
        )
    )
    for n, item in enumerate(pack.agenda, start=1):
        blocks += _standard_item(pack, item, n, lang)
    blocks.append(
        Block(
            "p",
            "Os oes angen mwy o amser arnoch chi, dywedwch “Mae angen mwy o amser arna i”, "
            "a bydd y bleidlais yn cael ei hestyn. Caiff cefnogwr eich helpu chi, ond dim ond "
            "chi all bleidleisio."
            if cy
            else "If you need more time, say “I need more time”, and the vote is extended. "
            "A supporter may help you, but only you can vote.",
        )
    )
    if pack.audit is not None:
        blocks.append(_audit_line(pack.audit.seq, pack.audit.head, cy))
    return blocks


def _audit_line(seq: int, head: str, cy: bool) -> Block:
    """Where the audit log stood when the papers were made, for the minutes: later,
    `cyd audit verify --head` proves the log still holds what the Board was shown."""
    return Block(
        "p",
        f"Gwnaed y papurau hyn pan oedd gan y log archwilio {seq} cofnod; ei ben oedd "
        f"{head}. Cofnodwch hwn yn y cofnodion: mae `cyd audit verify --head` yn ei wirio."
        if cy
        else f"These papers were made when the audit log held {seq} entries; its head was "
        f"{head}. Note it in the minutes: `cyd audit verify --head` checks it.",
    )


def _standard_item(pack: BoardPack, item: AgendaItem, n: int, lang: str) -> list[Block]:
    cy = lang == "cy"
    blocks = [
        Block("h2", f"{n}. {item.title}"),
        Block(
            "p",
            f"Menter {item.venture_id}, ffrwd waith {item.workstream.cy}, yn cael ei harwain gan "
            f"{item.lead}. Porth: {item.gate.get(lang)}. Pleidlais rhif {item.ballot}: "
            f"pleidleisiwch {by(item.vote_by, lang, easy_read=False)}, ar "
            f"{pack.vote_url(item)} neu drwy ddweud wrth y clerc."
            if cy
            else f"Venture {item.venture_id}, workstream {item.workstream.en}, led by {item.lead}. "
            f"Gate: {item.gate.get(lang)}. Vote number {item.ballot}: please vote "
            f"{by(item.vote_by, lang, easy_read=False)}, at {pack.vote_url(item)} or by telling "
            "the clerk.",
        ),
    ]
    if pack.leaves_item(item):
        blocks.append(
            Block(
                "p",
                "Rydych chi wedi datgan buddiant yn y fenter yma (neu chi sy'n ei harwain): "
                "byddwch chi'n gadael y penderfyniad. Mae'r papurau yma er gwybodaeth."
                if cy
                else "You have declared an interest in this venture (or you lead it): you leave "
                "this decision. These papers are for your information.",
            )
        )
    if item.reasons:
        blocks.append(Block("h3", "Pam mae ar yr agenda" if cy else "Why it is on the agenda"))
        # A reason the catalogue cannot write in Welsh is quoted as recorded (English).
        blocks.append(
            Block("ul", items=tuple(reason_words(r, lang, False) or r.text for r in item.reasons))
        )
    blocks.append(Block("h3", "Y rhestr wirio" if cy else "The checklist"))
    for summary in item.checklists:
        blocks += _standard_checklist(item, summary, lang)
    blocks.append(Block("h3", "Argymhellion yr adolygwyr" if cy else "The reviewers' advice"))
    if item.reviews:
        blocks.append(
            Block(
                "ul",
                items=tuple(_review_line(item, r, lang) for r in item.reviews),
            )
        )
    else:
        blocks.append(Block("p", "Dim adolygiad eto." if cy else "No review yet."))
    blocks += _standard_involvement(item, lang)
    blocks.append(Block("h3", "Amodau a gynigiwyd" if cy else "Conditions proposed"))
    if item.conditions:
        blocks.append(
            Block("ul", items=tuple(free_text("", item.free(c, lang)) for c in item.conditions))
        )
    else:
        blocks.append(
            Block(
                "p",
                "Does neb wedi cynnig amodau eto."
                if cy
                else "No conditions have been proposed yet.",
            )
        )
    blocks.append(Block("h3", "Buddiannau a ddatganwyd" if cy else "Interests declared"))
    if item.interests:
        blocks.append(Block("ul", items=tuple(f"{i.member}: {i.text}" for i in item.interests)))
    else:
        blocks.append(
            Block(
                "p",
                "Does neb wedi datgan buddiant eto."
                if cy
                else "Nobody has declared an interest yet.",
            )
        )
    return blocks


def _review_line(item: AgendaItem, r: ReviewSummary, lang: str) -> str:
    """A reviewer's advice, and their note (in the reader's language once translated)."""
    cy = lang == "cy"
    said = f"{r.reviewer} ({day(r.at, lang)}): {advice(r.recommend, lang)}."
    stale = ""
    if r.stale:
        stale = (
            " (Newidiodd ateb ar ôl yr adolygiad yma.)"
            if cy
            else " (An answer changed after this review.)"
        )
    if not r.note:
        return said + stale
    return free_text(said + (" Nodyn: " if cy else " Note: "), item.free(r.note, lang), stale)


def _standard_involvement(item: AgendaItem, lang: str) -> list[Block]:
    cy = lang == "cy"
    taking = item.involvement
    blocks = [
        Block("h3", "Cyfranogiad pobl â phrofiad bywyd" if cy else "Lived-experience involvement")
    ]
    if taking.people:
        blocks.append(
            Block(
                "p",
                f"Rhoddodd pobl â phrofiad bywyd {taking.answers} o'r {taking.of} ateb "
                "sy'n sefyll: " + ", ".join(taking.people) + "."
                if cy
                else f"People with lived experience gave {taking.answers} of the {taking.of} "
                "answers that stand: " + ", ".join(taking.people) + ".",
            )
        )
    else:
        blocks.append(
            Block(
                "p",
                "Ni roddodd neb â phrofiad bywyd ateb sy'n sefyll."
                if cy
                else "Nobody with lived experience gave an answer that stands.",
            )
        )
    if taking.signed_off:
        blocks.append(
            Block(
                "p",
                "Cadarnhawyd bod y rhestr wirio yn dweud beth gytunwyd gan: "
                + ", ".join(taking.signed_off)
                + "."
                if cy
                else "Signed off as saying what was agreed by: "
                + ", ".join(taking.signed_off)
                + ".",
            )
        )
    return blocks


def _standard_checklist(item: AgendaItem, summary: ChecklistSummary, lang: str) -> list[Block]:
    cy = lang == "cy"
    missing = len(summary.missing_required)
    if cy:
        counts = (
            f"{summary.title.get(lang)} (fersiwn {summary.version}): mae "
            f"{summary.shown} o'r {summary.items} eitem yn berthnasol, ac mae "
            f"{summary.answered} wedi'u hateb. "
            + (
                "Mae pob eitem hanfodol wedi'i hateb."
                if not missing
                else f"Eitemau hanfodol heb ateb: {missing}."
            )
        )
    else:
        counts = (
            f"{summary.title.get(lang)} (version {summary.version}): {summary.shown} of "
            f"{summary.items} items apply, and {summary.answered} are answered. "
            + (
                "Every must-meet item is answered."
                if not missing
                else f"{words.count('en', missing, 'question')} that must be met "
                f"{'has' if missing == 1 else 'have'} no answer."
            )
        )
    blocks = [Block("p", counts)]
    if summary.missing_required:
        blocks.append(
            Block("ul", items=tuple(q.question.get(lang) for q in summary.missing_required))
        )
    if summary.not_met:
        blocks.append(
            Block(
                "p",
                "Wedi'u hateb ond heb eu bodloni:"
                if cy
                else "Answered, but not meeting what the checklist asks:",
            )
        )
        blocks.append(
            Block(
                "ul",
                items=tuple(
                    f"{n.question.question.get(lang)} — {n.reason.get(lang)}"
                    for n in summary.not_met
                ),
            )
        )
    if summary.exceptions:
        blocks.append(
            Block(
                "p",
                "Eithriadau (heb eu bodloni, gyda'r rheswm pam):"
                if cy
                else "Exceptions (not met, with the reason why):",
            )
        )
        blocks.append(
            Block(
                "ul",
                items=tuple(
                    f"{e.question.question.get(lang)} — {e.justification}"
                    for e in summary.exceptions
                ),
            )
        )
    if summary.missing_advisory:
        blocks.append(
            Block(
                "p",
                "Eitemau i'w hystyried sydd heb ateb:"
                if cy
                else "Items to consider that have no answer:",
            )
        )
        blocks.append(
            Block("ul", items=tuple(q.question.get(lang) for q in summary.missing_advisory))
        )
    if summary.answers:
        blocks.append(Block("p", "Yr atebion:" if cy else "The answers:"))
        blocks.append(
            Block(
                "ul",
                items=tuple(
                    free_text(
                        f"{k.question.question.get(lang)} — ", item.free(k.answer.get(lang), lang)
                    )
                    for k in summary.answers
                ),
            )
        )
    return blocks
