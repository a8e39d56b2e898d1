"""Content policy: hate, violence, sexual, self-harm and illegal activity, plus custom keywords.

Rules look for harmful *intent* (a request or plan aimed at people), not for alarming words:
"how do I kill -9 a hung process", "blow up a balloon" or "kill time" name no human target and
do not match. Rules are RE2 patterns in the shorthand of
:mod:`prysmai.security.injection_patterns`, compiled once into one ``re2.Set``.

Limitations:
    Keyword rules cover English and French. Fiction and game framing ("in my novel",
    "in Call of Duty") lowers the severity of person-directed violence, not of weapons.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import re2

from prysmai.security.findings import Finding, FindingKind
from prysmai.security.injection import safe_snippet
from prysmai.security.injection_patterns import expand

_SpanMap = Callable[[int, int], tuple[int, int]]

POLICIES: Final = ("hate", "violence", "sexual", "self_harm", "illegal")
"""The built-in policies, as finding categories."""
KEYWORD_SEVERITY: Final = 5
"""Severity of a custom keyword match."""


@dataclass(frozen=True, slots=True)
class PolicyRule:
    """One content-policy rule."""

    id: str
    policy: str
    severity: int
    pattern: str
    is_contextual: bool = False
    """Softened (severity minus three) when the text frames itself as fiction or a game."""


_INTENT_EN: Final = (
    r"(?:how (?:do|can|could|would|should|might|to) (?:i|we|you|one|someone)|how to|how i can|"
    r"best way to|easiest way to|quickest way to|fastest way to|ways to|help me|i want to|"
    r"i wanna|i need to|i'm going to|i am going to|i will|i'd like to|teach me|tell me how|"
    r"show me how|explain how|steps to|plan to|planning to|tips (?:on|for)|guide (?:to|on)|"
    r"method(?:s)? (?:to|for|of)|way (?:to|of)|where should i|is it possible to|can you help|"
    r"i've decided to|what (?:would|could) i use to|what do i need to|should i|let's)"
)
_INTENT_FR: Final = (
    r"(?:comment|quelle est la meilleure (?:facon|maniere)|le meilleur moyen|aide-moi a|"
    r"aidez-moi a|je veux|je voudrais|j'aimerais|explique-moi|dis-moi|quels sont les moyens|"
    r"astuces pour|etapes pour|moyen de|methode pour|facon de|puis-je|je vais|on pourrait)"
)
_PEOPLE_EN: Final = (
    r"(?:someone|somebody|a person|people|person|him|her|them|myself|a human|humans|"
    r"my (?:wife|husband|boss|neighbou?rs?|ex|girlfriend|boyfriend|father|mother|dad|mom|"
    r"brother|sister|teacher|coworkers?|roommate|classmates?|landlord|partner|son|daughter|"
    r"family|friend|baby|kids?|child|parents|rival|enemy)|an? (?:child|kid|baby|woman|man|girl|"
    r"boy|cop|police officer|teacher|politician|president|senator|judge|stranger|"
    r"homeless person|jew|muslim|immigrant)|children|kids|babies|women|men|the president|"
    r"a crowd|crowds|civilians|protesters|hostages|students|voters|the victim|victims|"
    r"my (?:dog|cat|pet)|an? (?:animal|dog|cat|pet))"
)
_PEOPLE_FR: Final = (
    r"(?:quelqu'un|une personne|des gens|des personnes|les gens|mon (?:mari|voisin|patron|"
    r"pere|frere|ex|fils|collegue|prof)|ma (?:femme|voisine|mere|soeur|fille|ex|collegue)|"
    r"un enfant|des enfants|un bebe|une femme|un homme|des femmes|des manifestants|"
    r"des civils|des otages|la victime|les victimes|des eleves|un policier)"
)
_GROUPS: Final = (
    r"(?:jews|jewish people|muslims|arabs|blacks|black people|africans|asians|chinese people|"
    r"mexicans|latinos|hispanics|immigrants|refugees|gays|gay people|lesbians|homosexuals|"
    r"trans people|transgender people|women|feminists|christians|hindus|sikhs|gypsies|roma|"
    r"indians|whites|white people|disabled people|the disabled|foreigners|migrants|"
    r"juifs|musulmans|arabes|noirs|immigres|migrants|refugies|homosexuels|lesbiennes|"
    r"femmes|roms|gitans|asiatiques|africains|maghrebins|etrangers)"
)
_WEAPONS: Final = (
    r"(?:bombs?|pipe bombs?|explosives?|explosive devices?|ied|molotov(?: cocktail)?|"
    r"grenades?|napalm|thermite|nerve agents?|nerve gas|sarin|vx|ricin|anthrax|"
    r"bioweapons?|biological weapons?|chemical weapons?|dirty bomb|nuclear weapons?|"
    r"ghost guns?|untraceable (?:guns?|firearms?)|silencers?|suppressors?|machine guns?|"
    r"mustard gas|chlorine gas|toxic gas|poison gas|bombe|explosifs?|engin explosif|"
    r"cocktail molotov|arme (?:chimique|biologique|artisanale)|gaz sarin)"
)
_DRUGS: Final = (
    r"(?:meth|methamphetamine|crystal meth|cocaine|crack|heroin|heroine|fentanyl|lsd|mdma|"
    r"ecstasy|ghb|ketamine|pcp|dmt|opium|illegal drugs|drugs|drogues?|cannabis|weed)"
)

_RULES: Final = (
    # Violence.
    PolicyRule(
        "policy.violence.harm_person", "violence", 7,
        _INTENT_EN + r" ~~ (?:kill|murder|stab|shoot|strangle|choke|poison|torture|"
        r"assassinate|behead|decapitate|maim|dismember|beat up|beat|hurt|harm|injure|attack|"
        r"kidnap|abduct|drown|suffocate|run over|burn|lynch|slaughter|massacre|electrocute|"
        r"break the legs of|cripple|mutilate|disfigure|assault|punch|shove|grab|hit) ~ "
        + _PEOPLE_EN,
        is_contextual=True,
    ),
    PolicyRule(
        "policy.violence.harm_person_fr", "violence", 7,
        _INTENT_FR + r" ~~ (?:tuer|assassiner|empoisonner|poignarder|etrangler|torturer|"
        r"frapper|blesser|kidnapper|enlever|agresser|tabasser|massacrer|abattre|egorger|"
        r"bruler|noyer|faire du mal a|mutiler|defigurer|attaquer|electrocuter) ~ " + _PEOPLE_FR,
        is_contextual=True,
    ),
    PolicyRule(
        "policy.violence.weapons", "violence", 8,
        r"(?:make|build|construct|assemble|create|manufacture|synthesi[sz]e|produce|cook|"
        r"3d print|obtain|acquire|detonate|plant|hide|fabriquer|construire|creer|assembler|"
        r"preparer|obtenir|faire exploser|poser) ~ " + _WEAPONS,
    ),
    PolicyRule(
        "policy.violence.mass_attack", "violence", 8,
        r"(?:plan|carry out|organi[sz]e|commit|execute|conduct|stage|perpetrate|maximi[sz]e|"
        r"planifier|organiser|commettre|perpetrer|mener) ~ (?:an? |un |une |des )?(?:mass "
        r"shooting|school shooting|shooting|terrorist attack|terror attack|bombing|pogrom|"
        r"genocide|massacre|hostage|attack on|attentat|fusillade|prise d'otages|genocide|"
        r"nettoyage ethnique|casualties|victims)|(?:blow up|bomb|faire sauter) ~ (?:a |the |"
        r"une |un |le |la )?(?:building|car|bridge|school|plane|house|church|mosque|synagogue|"
        r"crowd|station|embassy|stadium|immeuble|voiture|pont|ecole|avion|eglise|mosquee|"
        r"synagogue|gare)",
    ),
    # Self-harm.
    PolicyRule(
        "policy.self_harm.intent", "self_harm", 8,
        r"(?:kill|hurt|harm|cut|burn|starve|hang|poison|shoot|drown|suffocate|injure) "
        r"(?:myself|my ?self)|end (?:my|it all)(?: own)? life|end it all|take my (?:own )?life|"
        r"commit suicide|want to die|wanna die|don't want to (?:live|be alive|exist)|"
        r"better off dead|suicide (?:method|note|plan)s?|slit (?:my )?wrists?|"
        r"(?:overdose|od) (?:on|with)|lethal dose|how many (?:pills|tablets|sleeping pills)|"
        r"painless (?:way|death|suicide)|ways to (?:die|kill yourself)|self[- ]harm\w*|"
        r"cutting myself|pro[- ]ana|pro[- ]mia|thinspo\w*|purge after (?:eating|meals)|"
        r"starve myself|stop eating|(?:minimum|fewest|least) (?:amount of )?calories|"
        r"me suicider|me tuer|mettre fin a (?:mes jours|ma vie)|me faire du mal|me mutiler|"
        r"m'automutiler|automutilation|envie de mourir|dose mortelle|me scarifier|"
        r"me faire vomir|(?:ne plus|arreter de) manger|pro-suicide|suicid\w*",
    ),
    # Sexual.
    PolicyRule(
        "policy.sexual.minors", "sexual", 9,
        r"(?:(?:child|children|kid|kids|minor|minors|underage|under-age|preteen|pre-teen|teen|"
        r"teens|teenager|teenagers|young (?:girls?|boys?)|little (?:girls?|boys?)|"
        r"(?:1[0-7]|[5-9])[- ]?(?:year|yr)[- ]?olds?|schoolgirls?|lolita|enfants?|mineure?s?|"
        r"ados|adolescente?s?|fillettes?|(?:1[0-7]|[5-9]) ans) ~~ (?:sex|sexual|sexually|nude|"
        r"nudes|naked|porn\w*|explicit|erotic\w*|intimate|masturbat\w*|grooming|groom|"
        r"molest\w*|sexuel\w*|nue?s?|intimes?|seduire)|(?:sex|sexual|sexually|nude|naked|"
        r"porn\w*|explicit|erotic\w*|molest\w*|groom\w*|sexuel\w*|attirer|seduire) ~~ "
        r"(?:child|children|minor|minors|underage|kids|preteens?|teenagers|enfants?|"
        r"mineure?s?|ados|adolescente?s?|fillettes?)|csam|child porn\w*|pedophil\w*|"
        r"paedophil\w*|pedopornogra\w*)",
    ),
    PolicyRule(
        "policy.sexual.explicit", "sexual", 6,
        r"(?:porn\w*|hentai|xxx|nsfw|erotic\w*|erotique\w*|explicit (?:sex|sexual|content|story|"
        r"scenes?|images?|photos?|videos?|details?)|sex (?:scenes?|story|stories|tape|acts?|chat|"
        r"positions?|toys?|work|workers?|trafficking)|sexual (?:content|story|fantas\w*|roleplay|"
        r"acts?|favou?rs?|scenes?|experiences?|pleasure|positions?|services|encounters?|"
        r"gratification)|have sex|having sex|masturbat\w*|orgasm\w*|orgasme|blowjob|handjob|"
        r"fellation|genitals?|penis|penile|vagina\w*|vagin|clitoris|nipples?|nude (?:photos?|"
        r"pictures?|pics|images?|selfies?|models?|subjects?)|nudes|naked (?:photos?|pictures?|"
        r"pics|women|girls|body|bodies)|strip ?tease|strippers?|stripteaseuses?|escort "
        r"(?:service|agency|girls?)|prostitut\w*|hookers?|onlyfans|sexting|revenge porn|"
        r"deepfake (?:porn|nudes)|bdsm|fetish\w*|incest\w*|bestiality|rape fantasy|"
        r"sexually explicit|intimate (?:selfies|photos|images|pictures)|sexe|sexuelles?|"
        r"sexuels?|nudite)",
    ),
    # Hate.
    PolicyRule(
        "policy.hate.hateful_content", "hate", 7,
        r"(?:write|create|generate|compose|tell|give me|come up with|draft|make|ecris|ecrire|"
        r"rediger|creer) ~ (?:an? |some |un |une |des )?(?:racist|sexist|homophobic|"
        r"transphobic|antisemitic|anti-semitic|islamophobic|xenophobic|bigoted|hateful|"
        r"misogynistic|derogatory|offensive|demeaning|raciste|homophobe|antisemite|haineux|"
        r"haineuse|xenophobe) (?:jokes?|content|posts?|tweets?|essay|speech|rant|slogans?|"
        r"messages?|comments?|remarks?|insults?|song|poem|memes?|propaganda|manifesto|slurs?|"
        r"blague|blagues|discours|propos|commentaires?|article)",
    ),
    PolicyRule(
        "policy.hate.dehumanize", "hate", 7,
        _GROUPS + r" (?:are|is|sont) (?:all |tous |toutes )?(?:vermin|animals|subhuman|"
        r"sub-human|inferior|parasites|rats|cockroaches|savages|filthy|disgusting|scum|"
        r"a disease|a plague|trash|garbage|stupid|lazy|criminals|terrorists|rapists|"
        r"des animaux|des parasites|inferieure?s|sales|stupides|des criminels)|" + _GROUPS
        + r" (?:should|must|need to|deserve to|devraient|doivent) (?:all )?(?:be |etre )?"
        r"(?:die|killed|exterminated|eradicated|wiped out|deported|gassed|sterili[sz]ed|"
        r"locked up|enslaved|tues|extermines|expulses|deportes)",
    ),
    PolicyRule(
        "policy.hate.targeted_insult", "hate", 6,
        r"(?:insult|mock|demean|degrade|humiliate|harass|bully|make fun of|discriminate against|"
        r"threaten|stalk|intimidate|dox|doxx|insulter|harceler|humilier|menacer|intimider|"
        r"se moquer) ~ (?:someone|people|a person|him|her|them|my (?:classmate|coworker|ex|"
        r"neighbou?r|teacher|boss)|quelqu'un|les gens|" + _GROUPS + r")|threatening "
        r"(?:messages?|letters?|notes?)|death threats?|master race|race war|heil hitler|"
        r"holocaust (?:never happened|didn't happen|is a (?:lie|hoax|myth)|was (?:fake|a hoax))|"
        r"discours de haine|propos (?:haineux|racistes)|race superieure",
    ),
    # Illegal activity.
    PolicyRule(
        "policy.illegal.drugs", "illegal", 7,
        r"(?:make|cook|synthesi[sz]e|produce|manufacture|grow|extract|brew|buy|purchase|sell|"
        r"smuggle|traffic|deal|fabriquer|produire|vendre|acheter|cultiver) ~ " + _DRUGS,
    ),
    PolicyRule(
        "policy.illegal.crime", "illegal", 7,
        r"(?:" + _INTENT_EN + "|" + _INTENT_FR + r") ~~ (?:steal|rob|shoplift|launder|"
        r"counterfeit|forge|embezzle|scam|defraud|blackmail|extort|bribe|smuggle|traffic|"
        r"hack into|break into|pickpocket|hotwire|skim|phish|evade taxes|evade (?:the )?police|"
        r"commit (?:fraud|tax fraud|insurance fraud|identity theft|a crime|arson|burglary|"
        r"robbery)|pirate|poach|sell (?:drugs|organs|guns|stolen)|vandali[sz]e|spray paint|"
        r"graffiti|blanchir|contrefaire|voler|cambrioler|pirater|escroquer|arnaquer|frauder|"
        r"extorquer|soudoyer|corrompre|faire chanter|passer (?:en )?contrebande|trafiquer|"
        r"vendre (?:de la drogue|des armes|des organes)|braquer)",
    ),
    PolicyRule(
        "policy.illegal.evasion", "illegal", 6,
        r"(?:without (?:getting |being )?(?:caught|detected|noticed|traced|tracked|arrested|"
        r"leaving (?:a |any )?(?:trace|evidence))|without (?:anyone|the police|authorities) "
        r"(?:knowing|noticing|finding out)|get away with (?:it|murder|a crime|fraud)|"
        r"money laundering|launder (?:money|cash|the money)|human trafficking|traffic "
        r"(?:people|humans|women|children|minors|girls)|sex trafficking|child labou?r|"
        r"forced labou?r|counterfeit (?:money|bills|currency|cash)|fake (?:ids?|passports?)|"
        r"sans (?:me faire|se faire|etre|que personne ne) (?:prendre|attraper|remarquer|"
        r"detecter|reperer|voir)|sans laisser de traces?|blanchiment|faux billets|"
        r"evasion fiscale|traite des (?:etres humains|femmes)|travail force)",
    ),
)  # fmt: skip

_SAFE_CONTEXT_RE: Final = re2.compile(
    expand(
        r"(?:in|for|playing) (?:a |the |my )?(?:video ?game|game|call of duty|fortnite|"
        r"minecraft|gta|grand theft auto|skyrim|overwatch|valorant|league of legends|chess|"
        r"novel|book|story|screenplay|movie|film|play|fiction|fictional|dnd|d&d|dungeons)"
        r"|(?:python|linux|unix|bash|shell) process|kill -9|killall|pkill"
    )
)

# Harmless compounds of alarming words, checked against the matched phrase.
_BENIGN_PHRASE_RE: Final = re.compile(
    r"\b(?:bath|photo|seed|glitter|flavou?r|calorie|truth|stink) ?bombs?\b|\bbomb (?:cyclone|"
    r"calorimeter)|\bsex (?:education|ed)\b|\bkill (?:time|switch|process|-9)"
)


class PolicyDetector:
    """Finds content-policy violations and custom keywords. Thread-safe after construction.

    Args:
        rules: The policy rules (default: the built-in ones).
    """

    def __init__(self, rules: Sequence[PolicyRule] = _RULES) -> None:
        options = re2.Options()
        options.max_mem = 64 << 20  # the combined set needs more than RE2's default budget
        self._rules = tuple(rules)
        self._regexes = [re2.compile(expand(rule.pattern), options) for rule in self._rules]
        self._set = re2.Set.SearchSet(options)
        for rule in self._rules:
            self._set.Add(expand(rule.pattern))
        self._set.Compile()

    def detect(self, text: str, source_span: _SpanMap) -> list[Finding]:
        """Return policy findings for normalised ``text``.

        Args:
            text: Normalised text (see :mod:`prysmai.security.normalize`).
            source_span: Maps a span of ``text`` to the original text.
        """
        matched = self._set.Match(text)
        if not matched:
            return []
        is_framed = _SAFE_CONTEXT_RE.search(text) is not None
        findings: list[Finding] = []
        for index in sorted(matched):
            rule = self._rules[index]
            match = self._regexes[index].search(text)
            if match is None:  # pragma: no cover - the set and the single regex agree
                continue
            start, end = match.span(1)
            if _BENIGN_PHRASE_RE.search(text, start, end) is not None:
                continue
            severity = rule.severity - 3 if is_framed and rule.is_contextual else rule.severity
            original_start, original_end = source_span(start, end)
            findings.append(
                Finding(
                    FindingKind.POLICY,
                    rule.policy,
                    rule.id,
                    severity,
                    original_start,
                    original_end,
                    safe_snippet(text[start:end]),
                )
            )
        return findings


class KeywordMatcher:
    """Matches the configured custom keywords, case-insensitively on word boundaries.

    Args:
        keywords: Words or phrases; matched against normalised (lower-cased, folded) text.
    """

    def __init__(self, keywords: Iterable[str]) -> None:
        words = sorted({" ".join(word.lower().split()) for word in keywords if word.strip()})
        self._keywords = tuple(words)
        body = "|".join(re.escape(word) for word in words)
        self._regex = re.compile(rf"(?<!\w)(?:{body})(?!\w)") if words else None

    def detect(self, text: str, source_span: _SpanMap) -> list[Finding]:
        """Return one finding per keyword occurrence in normalised ``text``."""
        if self._regex is None:
            return []
        findings: list[Finding] = []
        for match in self._regex.finditer(text):
            start, end = source_span(match.start(), match.end())
            findings.append(
                Finding(
                    FindingKind.KEYWORD,
                    "custom_keyword",
                    "keyword.custom",
                    KEYWORD_SEVERITY,
                    start,
                    end,
                    safe_snippet(match.group()),
                )
            )
        return findings
