"""Pure governance rules: lifecycle, Board decisions, permissions. No I/O here.

- lifecycle: venture states, actions and the transition table
- rules: a Board decision rule, as declared in the programme file
- ballots, decisions: members, votes, interests, and `decide`
- reviews: reviewers' recommendations
- permissions: who may do what, `Allowed` or `Denied` with a reason
- staleness: pinned definitions, and what an answer change makes stale
- completeness: what is missing from a venture's checklists
- advance: the planner that takes a venture as far as the rules allow
"""
