"""The genogram and the ecomap, drawn on the server as SVG from the recorded family
(``pathway.selectors.family_map``), each with a text alternative listing every person and tie.

The genogram puts each person on a generation row (grandparents, parents and carers, the
children's own generation) using the usual symbols: a square for a male, a circle for a female,
a diamond where sex is not recorded, a double outline for the children assessed. The ecomap puts
the assessed children in the middle and the agencies and family network around them, the line
showing how the family get on with each (thick: strong; plain: ordinary; dashed: strained).
"""

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

from people.models import RelationshipKind

# Generation of the first person relative to the second, per relationship kind.
UP = {
    RelationshipKind.PARENT: 1,
    RelationshipKind.STEP_PARENT: 1,
    RelationshipKind.CARER: 1,
    RelationshipKind.PARTNER_OF_PARENT: 1,
    RelationshipKind.GRANDPARENT: 2,
    RelationshipKind.CHILD: -1,
    RelationshipKind.STEP_CHILD: -1,
    RelationshipKind.CARED_FOR: -1,
    RelationshipKind.CHILD_OF_PARTNER: -1,
    RelationshipKind.GRANDCHILD: -2,
    RelationshipKind.SIBLING: 0,
    RelationshipKind.HALF_SIBLING: 0,
    RelationshipKind.STEP_SIBLING: 0,
    RelationshipKind.PARTNER: 0,
}
GENERATION_NAMES = {2: "Grandparents", 1: "Parents and carers", 0: "The children's generation"}
BOX, GAP_X, GAP_Y, MARGIN = 44, 150, 120, 40


@dataclass
class Drawing:
    svg: str
    people: list  # (name, description) for the text alternative
    ties: list  # sentences


def _describe(person, child_ids) -> str:
    bits = []
    if person.date_of_birth:
        bits.append(f"born {person.date_of_birth:%Y}")
    if person.date_of_death:
        bits.append(f"died {person.date_of_death:%Y}")
    bits.append({"M": "male", "F": "female"}.get(person.sex, "sex not recorded"))
    if person.pk in child_ids:
        bits.append("assessed")
    return ", ".join(bits)


def _generations(family) -> dict:
    level = {pk: 0 for pk in family.child_ids}
    ids = set(family.person_ids)
    for _ in range(3):  # relatives of relatives: a few passes settle every row
        for tie in family.relationships:
            a, b = tie.from_person_id, tie.to_person_id
            step = UP.get(tie.kind)
            if step is None or a not in ids or b not in ids:
                continue
            if b in level and a not in level:
                level[a] = level[b] + step
            elif a in level and b not in level:
                level[b] = level[a] - step
    return {pk: level.get(pk) for pk in ids}


def _symbol(x, y, person, assessed) -> str:
    half = BOX / 2
    if person.sex == "M":
        shape = f'<rect x="{x - half}" y="{y - half}" width="{BOX}" height="{BOX}"'
        inner = (
            f'<rect x="{x - half + 5}" y="{y - half + 5}" width="{BOX - 10}" height="{BOX - 10}"'
        )
    elif person.sex == "F":
        shape = f'<circle cx="{x}" cy="{y}" r="{half}"'
        inner = f'<circle cx="{x}" cy="{y}" r="{half - 5}"'
    else:
        points = f"{x},{y - half} {x + half},{y} {x},{y + half} {x - half},{y}"
        shape = f'<polygon points="{points}"'
        inner = (
            f'<polygon points="{x},{y - half + 7} {x + half - 7},{y} {x},{y + half - 7} '
            f'{x - half + 7},{y}"'
        )
    out = shape + ' fill="#ffffff" stroke="#0b0c0c" stroke-width="2"/>'
    if assessed:
        out += inner + ' fill="none" stroke="#0b0c0c" stroke-width="2"/>'
    if person.date_of_death:
        out += (
            f'<line x1="{x - half}" y1="{y - half}" x2="{x + half}" y2="{y + half}" '
            'stroke="#0b0c0c" stroke-width="2"/>'
        )
    name = escape(person.given_name)
    out += (
        f'<text x="{x}" y="{y + half + 18}" text-anchor="middle" font-size="14" '
        f'fill="#0b0c0c">{name}</text>'
    )
    if person.date_of_birth:
        out += (
            f'<text x="{x}" y="{y + half + 34}" text-anchor="middle" font-size="12" '
            f'fill="#505a5f">b. {person.date_of_birth:%Y}</text>'
        )
    return out


def genogram(family) -> Drawing:
    child_ids = family.child_ids
    rows = _generations(family)
    by_row: dict = {}
    others = []
    for person in family.people:
        row = rows.get(person.pk)
        if row is None or row not in GENERATION_NAMES:
            others.append(person)
        else:
            by_row.setdefault(row, []).append(person)
    if others:
        by_row.setdefault(-1, []).extend(others)  # a row below for the wider network
    levels = sorted(by_row, reverse=True)
    width = MARGIN * 2 + max((len(people) for people in by_row.values()), default=1) * GAP_X
    height = MARGIN * 2 + max(len(levels), 1) * GAP_Y
    where = {}
    parts = []
    for index, row in enumerate(levels):
        y = MARGIN + BOX / 2 + index * GAP_Y + 10
        label = GENERATION_NAMES.get(row, "Wider family and friends")
        parts.append(
            f'<text x="8" y="{y - BOX / 2 - 12}" font-size="12" fill="#505a5f">'
            f"{escape(label)}</text>"
        )
        for column, person in enumerate(by_row[row]):
            where[person.pk] = (MARGIN + GAP_X / 2 + column * GAP_X, y)
    names = {person.pk: str(person) for person in family.people}
    ties = []
    lines = []
    for tie in family.relationships:
        a, b = tie.from_person_id, tie.to_person_id
        if a not in where or b not in where:
            continue
        (x1, y1), (x2, y2) = where[a], where[b]
        dashed = tie.kind in (
            RelationshipKind.STEP_PARENT,
            RelationshipKind.STEP_CHILD,
            RelationshipKind.STEP_SIBLING,
            RelationshipKind.PARTNER_OF_PARENT,
            RelationshipKind.CHILD_OF_PARTNER,
        )
        harm = tie.kind in (RelationshipKind.ALLEGED_PERPETRATOR, RelationshipKind.ALLEGED_VICTIM)
        colour = "#d4351c" if harm else "#0b0c0c"
        style = ' stroke-dasharray="6 4"' if dashed else ""
        lines.append(
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{colour}" '
            f'stroke-width="2"{style}/>'
        )
        sentence = f"{names[a]} is the {tie.get_kind_display().lower()} of {names[b]}"
        if tie.parental_responsibility:
            sentence += ", with parental responsibility"
        ties.append(sentence)
    for a, b in family.lives_with:
        if a in where and b in where:
            ties.append(f"{names[a]} lives with {names[b]}")
    symbols = [_symbol(*where[p.pk], p, p.pk in child_ids) for p in family.people if p.pk in where]
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-family-map" role="img" '
        f'aria-labelledby="genogram-title" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}">'
        f'<title id="genogram-title">Genogram of {len(family.people)} people: the text '
        "alternative follows the drawing</title>" + "".join(parts + lines + symbols) + "</svg>"
    )
    people = [(str(p), _describe(p, child_ids)) for p in family.people]
    return Drawing(svg=mark_safe(svg), people=people, ties=ties)  # noqa: S308 - escaped above


def ecomap(family) -> Drawing:
    children = [p for p in family.people if p.pk in family.child_ids]
    network = [
        (str(p), "Family network", "ORDINARY")
        for p in family.people
        if p.pk not in family.child_ids
        and any(
            t.family_network and p.pk in (t.from_person_id, t.to_person_id)
            for t in family.relationships
        )
    ]
    around = [(a.name, a.role or "Agency", a.tie) for a in family.agencies] + network
    size = 520
    cx = cy = size / 2
    radius = size / 2 - 80
    parts = [
        f'<circle cx="{cx}" cy="{cy}" r="60" fill="#f3f2f1" stroke="#0b0c0c" stroke-width="2"/>',
        f'<text x="{cx}" y="{cy + 5}" text-anchor="middle" font-size="14" fill="#0b0c0c">'
        f"{escape(', '.join(p.given_name for p in children))}</text>",
    ]
    ties = []
    for index, (name, role, tie) in enumerate(around):
        angle = 2 * math.pi * index / max(len(around), 1) - math.pi / 2
        x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        width = {"STRONG": 5, "ORDINARY": 2, "STRAINED": 2}[tie]
        dash = ' stroke-dasharray="8 6"' if tie == "STRAINED" else ""
        parts.append(
            f'<line x1="{cx + 60 * math.cos(angle):.1f}" y1="{cy + 60 * math.sin(angle):.1f}" '
            f'x2="{x - 40 * math.cos(angle):.1f}" y2="{y - 40 * math.sin(angle):.1f}" '
            f'stroke="#0b0c0c" stroke-width="{width}"{dash}/>'
        )
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="40" fill="#ffffff" stroke="#0b0c0c" '
            'stroke-width="2"/>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="12" '
            f'fill="#0b0c0c">{escape(name[:18])}</text>'
        )
        label = {"STRONG": "a strong, helpful tie", "ORDINARY": "an ordinary tie"}.get(
            tie, "a strained or difficult tie"
        )
        ties.append(f"{name} ({role}): {label}")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-family-map" role="img" '
        f'aria-labelledby="ecomap-title" viewBox="0 0 {size} {size}" width="{size}" '
        f'height="{size}"><title id="ecomap-title">Ecomap: {len(around)} agencies and '
        "people around the family; the text alternative follows the drawing</title>"
        + "".join(parts)
        + "</svg>"
    )
    return Drawing(
        svg=mark_safe(svg),  # noqa: S308 - every name is escaped above
        people=[(name, role) for name, role, _ in around],
        ties=ties,
    )
