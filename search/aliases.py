"""Alias table: other names for institutions, states, populations and actor types.

The table maps a *kind* (``institution``, ``state``, ``population``, ``actor_type``,
``challenge_category``, ``action_type``) and a canonical facet value (an acronym, a state name, a
population slug…) to the other ways people write it. It is generated from the published graph
(institutions' ``mkg:acronym``, ``skos:prefLabel`` and ``skos:altLabel``; concept labels) by
:func:`build_aliases`, and completed by the small curated tables below (generic synonyms such as
"Cancillería" for SRE or "niñez" for NNA, English acronyms, common typos, and state demonyms).

How it is used (both directions):

* **index time**: every alias of an action's institutions, partners, states and populations is
  written into the action's ``aliases`` text field, so a free-text query for "IOM", "UNHCR",
  "Cancillería", "niñez" or "mexiquense" finds the same actions as "OIM", "ACNUR", "SRE", "NNA"
  or "Estado de México";
* **query time**: field filters (``socio:IOM``, ``estado:mexiquense``, ``?partner=UNHCR``) resolve
  an alias to the canonical facet value with :meth:`AliasTable.resolve`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from search.analysis import normalise_key

KINDS = ("institution", "state", "population", "actor_type", "challenge_category", "action_type")

#: Curated synonyms for institutions, keyed by canonical acronym.
INSTITUTION_ALIASES: dict[str, tuple[str, ...]] = {
    "OIM": ("IOM", "Organización Internacional para las Migraciones", "International Organization for Migration"),
    "ACNUR": (
        "UNHCR",
        "Alto Comisionado de las Naciones Unidas para los Refugiados",
        "Agencia de la ONU para los Refugiados",
    ),
    "UNICEF": ("Fondo de las Naciones Unidas para la Infancia",),
    "OIT": ("ILO", "Organización Internacional del Trabajo", "Organización Mundial del Trabajo"),
    "UNODC": ("ONUDD", "UNDOC", "Oficina de las Naciones Unidas contra la Droga y el Delito"),
    "GIZ": ("Cooperación Técnica Alemana", "Agencia de Cooperación Alemana"),
    "AMEXCID": ("AMECID", "Agencia Mexicana de Cooperación Internacional para el Desarrollo"),
    "USAID": ("Agencia de los Estados Unidos para el Desarrollo Internacional",),
    "CICR": ("ICRC", "Comité Internacional de la Cruz Roja", "Cruz Roja Internacional"),
    "OCDE": ("OECD", "Organización para la Cooperación y el Desarrollo Económicos"),
    "SRE": ("Cancillería", "Secretaría de Relaciones Exteriores", "Relaciones Exteriores"),
    "SEGOB": ("Gobernación", "Secretaría de Gobernación"),
    "INM": ("Instituto Nacional de Migración",),
    "COMAR": ("Comisión Mexicana de Ayuda a Refugiados",),
    "SNDIF": ("DIF", "DIF Nacional", "Sistema Nacional DIF"),
    "CNDH": ("Comisión Nacional de los Derechos Humanos",),
    "STPS": ("Secretaría del Trabajo y Previsión Social",),
}

#: State demonyms and abbreviations, keyed by INEGI code (the canonical name comes from the graph).
STATE_ALIASES: dict[str, tuple[str, ...]] = {
    "01": ("aguascalentense", "hidrocálido"),
    "02": ("bajacaliforniano", "bajacaliforniana"),
    "03": ("sudcaliforniano", "sudcaliforniana", "B.C.S.", "BCS"),
    "04": ("campechano", "campechana"),
    "05": ("coahuilense", "Coahuila de Zaragoza"),
    "06": ("colimense",),
    "07": ("chiapaneco", "chiapaneca"),
    "08": ("chihuahuense",),
    "09": ("capitalino", "capitalina", "CDMX", "Distrito Federal"),
    "10": ("duranguense",),
    "11": ("guanajuatense",),
    "12": ("guerrerense",),
    "13": ("hidalguense",),
    "14": ("jalisciense", "tapatío"),
    "15": ("mexiquense", "Edomex", "Estado de México"),
    "16": ("michoacano", "michoacana", "Michoacán de Ocampo"),
    "17": ("morelense",),
    "18": ("nayarita",),
    "19": ("neoleonés", "neoleonesa", "regiomontano"),
    "20": ("oaxaqueño", "oaxaqueña"),
    "21": ("poblano", "poblana"),
    "22": ("queretano", "queretana"),
    "23": ("quintanarroense",),
    "24": ("potosino", "potosina", "SLP"),
    "25": ("sinaloense",),
    "26": ("sonorense",),
    "27": ("tabasqueño", "tabasqueña"),
    "28": ("tamaulipeco", "tamaulipeca"),
    "29": ("tlaxcalteca",),
    "30": ("veracruzano", "veracruzana", "Veracruz de Ignacio de la Llave"),
    "31": ("yucateco", "yucateca"),
    "32": ("zacatecano", "zacatecana"),
}

#: Canonical state names by INEGI code (used when the graph gives none).
STATE_NAMES: dict[str, str] = {
    "01": "Aguascalientes", "02": "Baja California", "03": "Baja California Sur", "04": "Campeche",
    "05": "Coahuila", "06": "Colima", "07": "Chiapas", "08": "Chihuahua", "09": "Ciudad de México",
    "10": "Durango", "11": "Guanajuato", "12": "Guerrero", "13": "Hidalgo", "14": "Jalisco",
    "15": "Estado de México", "16": "Michoacán", "17": "Morelos", "18": "Nayarit", "19": "Nuevo León",
    "20": "Oaxaca", "21": "Puebla", "22": "Querétaro", "23": "Quintana Roo", "24": "San Luis Potosí",
    "25": "Sinaloa", "26": "Sonora", "27": "Tabasco", "28": "Tamaulipas", "29": "Tlaxcala", "30": "Veracruz",
    "31": "Yucatán", "32": "Zacatecas",
}  # fmt: skip

#: Generic synonyms of population concepts, keyed by slug (contract §6).
POPULATION_ALIASES: dict[str, tuple[str, ...]] = {
    "nna": ("NNA", "NNAm", "niñas, niños y adolescentes", "niñez", "infancia", "menores de edad", "adolescentes"),
    "mujeres": ("mujer", "mujeres migrantes"),
    "extranjeros": ("personas extranjeras", "migrantes extranjeros"),
    "mexicanos-exterior": ("connacionales", "diáspora", "mexicanos en el exterior", "paisanos"),
    "retornados": ("repatriados", "retorno", "deportados", "retornadas"),
    "refugiados-solicitantes": ("refugiados", "refugio", "asilo", "solicitantes de asilo", "protección internacional"),
    "lgbti": ("LGBT", "LGBTI", "LGBTTTIQ", "diversidad sexual"),
    "indigenas": ("indígenas", "pueblos originarios", "afromexicanos"),
    "discapacidad": ("personas con discapacidad",),
    "trabajadores": ("jornaleros", "trabajadores agrícolas", "trabajadores migrantes"),
    "en-transito": ("tránsito", "en tránsito", "movilidad"),
    "desplazados-internos": ("desplazamiento forzado interno", "desplazados"),
    "victimas-trata": ("trata de personas",),
    "desaparecidos-familias": ("desaparecidos", "personas desaparecidas"),
    "adultos-mayores": ("personas adultas mayores",),
    "jovenes-estudiantes": ("jóvenes", "estudiantes"),
}

#: Actor-type codes (contract §3) and the words people use for them.
ACTOR_TYPE_ALIASES: dict[str, tuple[str, ...]] = {
    "APF": ("apf", "federal", "Administración Pública Federal", "gobierno federal"),
    "ENTIDAD_FEDERATIVA": ("ef", "entidad federativa", "entidades federativas", "gobierno estatal", "estatal"),
    "PODER_JUDICIAL": ("pj", "judicial", "Poder Judicial"),
    "PODER_LEGISLATIVO": ("pl", "legislativo", "Poder Legislativo", "congreso"),
    "OCA": ("oca", "organismo constitucional autónomo", "autónomo"),
    "OSC": ("osc", "sociedad civil", "organización de la sociedad civil"),
}


@dataclass(slots=True)
class AliasTable:
    """``kind → canonical value → aliases``, with accent- and case-insensitive lookup."""

    groups: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    _lookup: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    def add(self, kind: str, canonical: str, *aliases: str) -> None:
        """Record ``aliases`` (and the canonical value itself) as names of ``canonical``."""
        if not canonical:
            return
        names = self.groups.setdefault(kind, {}).setdefault(canonical, [])
        lookup = self._lookup.setdefault(kind, {})
        lookup.setdefault(normalise_key(canonical), canonical)
        for alias in aliases:
            if alias and alias != canonical and alias not in names:
                names.append(alias)
            key = normalise_key(alias or "")
            if key:
                lookup.setdefault(key, canonical)

    def aliases_for(self, kind: str, canonical: str) -> list[str]:
        """Every other name of ``canonical`` (empty when unknown)."""
        return list(self.groups.get(kind, {}).get(canonical, ()))

    def resolve(self, kind: str, text: str) -> str | None:
        """The canonical value ``text`` names (accent- and case-insensitive), or None."""
        return self._lookup.get(kind, {}).get(normalise_key(text))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form (written next to the index)."""
        return {k: {c: list(a) for c, a in sorted(v.items())} for k, v in sorted(self.groups.items())}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AliasTable:
        """The inverse of :meth:`to_json`."""
        table = cls()
        for kind, canon in data.items():
            for canonical, aliases in canon.items():
                table.add(kind, canonical, *aliases)
        return table

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=1, sort_keys=True)


def curated_aliases(state_names: dict[str, str] | None = None) -> AliasTable:
    """The curated table alone (state demonyms resolve to ``state_names`` by INEGI code)."""
    names = state_names or STATE_NAMES
    table = AliasTable()
    for acronym, aliases in INSTITUTION_ALIASES.items():
        table.add("institution", acronym, *aliases)
    for code, aliases in STATE_ALIASES.items():
        name = names.get(code) or STATE_NAMES[code]
        extra = (STATE_NAMES[code],) if STATE_NAMES[code] != name else ()
        table.add("state", name, *extra, *aliases)
    for slug, aliases in POPULATION_ALIASES.items():
        table.add("population", slug, *aliases)
    for code, aliases in ACTOR_TYPE_ALIASES.items():
        table.add("actor_type", code, *aliases)
    return table


def build_aliases(store: Any) -> AliasTable:
    """Generate the alias table from a pyoxigraph ``Store`` holding the build, plus the curated tables.

    Institutions contribute their acronym (the canonical value; a state government without one uses
    its ``skos:prefLabel``), prefLabel and altLabels; states, populations, actor types, action types and
    challenge categories contribute their labels and notations.
    """
    from search.documents import _institution_info, _rows, actor_type_code, slug_of

    state_names: dict[str, str] = {}
    state_labels: dict[str, list[str]] = defaultdict(list)
    for row in _rows(
        store,
        """SELECT DISTINCT ?s ?n ?label WHERE {
             { ?x mkg:state ?s } UNION { ?s skos:inScheme mkg:States }
             OPTIONAL { ?s skos:notation ?n } OPTIONAL { ?s skos:prefLabel ?label }
           }""",
    ):
        s = row["s"][0]
        code = (row["n"] or (slug_of(s), None))[0]
        code = f"{int(code):02d}" if code.isdigit() else code
        if row["label"] and row["label"][1] in ("es", None, ""):
            state_names.setdefault(code, row["label"][0])
            state_labels[code].append(row["label"][0])
    table = curated_aliases(state_names)
    for code, labels in state_labels.items():
        table.add("state", state_names[code], *labels)

    display, names, _types = _institution_info(store)
    for inst, canonical in display.items():
        table.add("institution", canonical, *names.get(inst, []), *INSTITUTION_ALIASES.get(canonical, ()))

    for kind, prop in (
        ("population", "mkg:population"),
        ("action_type", "mkg:actionType"),
        ("challenge_category", "mkg:challengeCategory"),
        ("actor_type", "mkg:actorType"),
    ):
        for row in _rows(
            store,
            f"""SELECT DISTINCT ?c ?n ?label WHERE {{
                  ?x {prop} ?c .
                  OPTIONAL {{ ?c skos:notation ?n }}
                  OPTIONAL {{ ?c skos:prefLabel|skos:altLabel ?label }}
                }}""",
        ):
            c = row["c"][0]
            notation = row["n"][0] if row["n"] else None
            canonical = actor_type_code(c, notation) if kind == "actor_type" else slug_of(c)
            labels = [row["label"][0]] if row["label"] and row["label"][1] in ("es", None, "") else []
            table.add(kind, canonical, slug_of(c), *labels)
    return table
