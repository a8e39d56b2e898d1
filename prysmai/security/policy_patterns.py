"""The content-policy rule table: five policies, English and French phrase rules, other languages.

Rules look for harmful *intent*: a request or plan aimed at people, a weapon or drug recipe,
sexual content involving minors, a slur or a dehumanising claim about a protected group, a
self-harm method. Alarming words alone do not match: "how do I kill -9 a hung process", "blow
up a balloon" or "shoot a photo" name no human target.

Latin-script rules are written in the shorthand of
:func:`prysmai.security.injection_patterns.expand` over normalised text (lower case, accents
folded, so Vietnamese and Italian words are written without diacritics). Rules for scripts
without ASCII word boundaries (Chinese, Korean, Thai, Bengali, Arabic) are plain RE2 and
marked ``raw``; they name concrete harms (a way to kill a person, make a bomb, buy drugs)
rather than single alarming words. As in English, a word that only names a harm (suicide,
money laundering, theft) is a topical rule, dropped when the text asks how to help someone,
what the word means or what the law's penalty is; first-person and how-to forms stay intent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

POLICIES: Final = ("hate", "violence", "sexual", "self_harm", "illegal")
"""The built-in policies, as finding categories."""


@dataclass(frozen=True, slots=True)
class PolicyRule:
    """One content-policy rule."""

    id: str
    """Stable identifier, safe to log (``policy.<policy>.<name>``)."""
    policy: str
    severity: int
    pattern: str
    is_contextual: bool = False
    """Softened (severity minus three) when the text frames itself as fiction or a game."""
    raw: bool = False
    """Plain RE2 (not the Latin shorthand); the whole match is the reported span."""
    is_topical: bool = False
    """Names a harmful topic rather than a request: dropped when the text is about preventing,
    recognising, defining or discussing it (see :data:`PROTECTIVE_CONTEXT`)."""

    @property
    def is_bare_topic(self) -> bool:
        """Whether the rule matches only a harmful subject's bare name ("suicide", "arson").

        Those rules are named "...topic..."; other topical rules ("sexual.minors") match
        requests too and keep their severity.
        """
        return self.is_topical and "topic" in self.id.rsplit(".", 1)[-1]


# Shared English vocabulary ---------------------------------------------------------------------

_INTENT_EN: Final = (
    r"(?:how (?:do|can|could|would|should|might|to|does|did|will|much|many|long) "
    r"(?:i|we|you|u|one|someone|somebody|a person|people|they|it take to)|how to|how i can|"
    r"how best to|how (?:can|could|should|do|would) i best|"
    r"(?:best|easiest|quickest|fastest|simplest|most effective|most efficient|safest|"
    r"cheapest|surest|good|effective|efficient|quick|easy|simple|discreet|subtle|clever|"
    r"creative|humane|painless) (?:ways?|methods?|means|techniques?|strategies|tactics|"
    r"approach|tricks?|tips?) (?:to|of|for)|ways? (?:to|of)|methods? (?:to|of|for)|"
    r"steps? (?:to|for)|tips (?:on|for|to)|guide (?:to|on|for)|instructions (?:to|on|for)|"
    r"tutorial (?:on|for)|recipe for|help me|teach me|tell me how|show me how|explain how|"
    r"walk me through|guide me|i want to|i wanna|i need to|i have to|i'm going to|i'm gonna|"
    r"i am going to|i will|i'll|i'd like to|i would like to|i'm planning to|i plan to|"
    r"planning to|plan to|i'm thinking (?:of|about)|thinking about|i intend to|i've decided to|"
    r"i decided to|trying to|i'm trying to|i'd love to|let's|we should|we need to|we must|"
    r"we have to|where (?:can|could|do|should|would) (?:i|we|one|you)|"
    r"what (?:would|could|should|do|can) (?:i|we|you) use to|what do i need to|"
    r"what (?:is|are|'s) (?:needed|required) to|is it possible to|can i|could i|should i|"
    r"may i|am i allowed to|is it ok(?:ay)? (?:to|if i)|would it be (?:ok|okay|wrong) to|"
    r"what's the best way to|what is the best way to|give me (?:a plan|tips|steps|ideas)|"
    r"ideas (?:for|to|on)|advice on|in order to|so (?:that )?i can|to help me|"
    r"can you help me|could you help me|can you tell me how|what can i do to|"
    r"what (?:steps|methods|techniques|strategies|tactics|tools|materials|ingredients|"
    r"chemicals|supplies|weapons?|household items) (?:should|would|could|can|do|are|might))"
)
_PEOPLE_NOUN: Final = (
    r"(?:person|people|child|children|kid|kids|baby|babies|toddler|toddlers|infant|woman|"
    r"women|man|men|girl|girls|boy|boys|cop|cops|police officer|officer|policeman|"
    r"politician|president|senator|congressman|mayor|judge|witness|stranger|strangers|"
    r"neighbou?r|neighbou?rs|teacher|student|students|classmate|classmates|coworker|"
    r"co-worker|coworkers|colleague|colleagues|boss|employee|employees|husband|wife|"
    r"girlfriend|boyfriend|partner|ex|ex-wife|ex-husband|ex-girlfriend|ex-boyfriend|spouse|"
    r"father|mother|dad|mom|mum|parent|parents|brother|sister|son|daughter|family|friend|"
    r"friends|roommate|landlord|tenant|rival|enemy|enemies|bully|victim|victims|hostage|"
    r"hostages|crowd|civilians?|protesters?|voters?|journalist|reporter|doctor|nurse|"
    r"homeless|elderly|old man|old woman|old lady|grandma|grandpa|grandmother|grandfather|"
    r"immigrant|immigrants|refugee|refugees|jew|jews|muslim|muslims|pedestrian|pedestrians|"
    r"driver|passenger|passengers|customer|customers|security guard|guard|prisoner|inmate|"
    r"human|humans|individual|individuals|rapper|celebrity|ceo|pastor|priest|"
    r"imam|rabbi|minister|governor|prime minister|stepdad|stepmom|uncle|aunt|cousin|nephew|"
    r"niece|grandkid|pet|dog|cat|"
    r"animal|animals|horse|puppy|kitten)"
)
_PEOPLE_EN: Final = (
    r"(?:someone|somebody|anyone|anybody|everyone|a person|people|him|her|them|myself|"
    r"himself|herself|themselves|each other|"
    r"(?:my|a|an|the|his|her|their|your|our|some|this|that|these|those|local|random|"
    r"innocent|black|white|jewish|muslim|gay|trans|asian|mexican|old|young|little|"
    r"small|many|more|all|other|several|two|three|as many) (?:[a-z'-]+ )?"
    + _PEOPLE_NOUN
    + r"|"
    + _PEOPLE_NOUN
    + r"s?|someone's|somebody's|[a-z]+'s (?:wife|husband|child|kid|"
    r"son|daughter|family|girlfriend|boyfriend|mother|father|dog|cat|drink|food|coffee))"
)
_HARM_VERBS_EN: Final = (
    r"(?:kill|killing|murder|murdering|stab|stabbing|shoot|shooting|strangle|strangling|"
    r"choke|choking|poison|poisoning|torture|torturing|assassinate|assassinating|behead|"
    r"decapitate|maim|dismember|beat up|beating up|hurt|hurting|harm|harming|injure|"
    r"injuring|attack|attacking|kidnap|kidnapping|abduct|abducting|drown|drowning|"
    r"suffocate|smother|run over|set fire to|set on fire|burn alive|lynch|slaughter|"
    r"massacre|electrocute|cripple|mutilate|disfigure|assault|assaulting|punch|punching|"
    r"slap|stomp|bludgeon|knock out|paralyze|paralyse|snipe|slay|behead|lure|"
    r"break the (?:legs?|arms?|neck|bones?|jaw|nose) of|terrori[sz]e|stalk|"
    r"make (?:him|her|them|someone) (?:suffer|disappear|bleed)|sedate|tie up|"
    r"hold (?:hostage|captive)|take hostage|hunt down|exterminate|wipe out|"
    r"force-feed|waterboard|scald|pepper spray|tase|rough up|pummel|mug|rob|ambush|torch)"
)
_GROUPS: Final = (
    r"(?:jews|jewish people|the jews|muslims|islam|arabs|blacks|black people|black men|"
    r"black women|african americans|africans|asians|asian people|chinese people|chinese|"
    r"japanese|koreans|indians|pakistanis|mexicans|latinos|latinas|hispanics|immigrants|"
    r"illegal immigrants|illegals|refugees|migrants|foreigners|gays|gay people|gay men|"
    r"lesbians|homosexuals|queers|lgbt|lgbtq\+?|lgbtq people|lgbtq\+ people|bisexuals|"
    r"trans people|transgender people|transgenders|trannies|women|females|girls|feminists|"
    r"christians|catholics|hindus|sikhs|buddhists|atheists|mormons|gypsies|roma|roma people|"
    r"whites|white people|white men|disabled people|the disabled|people with disabilities|"
    r"handicapped people|autistic people|retards|mentally ill people|old people|the elderly|"
    r"fat people|obese people|poor people|homeless people|middle eastern people|"
    r"native americans|indigenous people|aboriginals|turks|russians|ukrainians|"
    r"palestinians|israelis|irish|italians|polish people|poles|germans|french people|"
    r"europeans|americans|canadians|australians|brits|nigerians|somalis|haitians|"
    r"ethiopians|filipinos|vietnamese|thai people|people of colou?r|minorities|"
    r"ethnic minorities|dark-skinned people|people with darker skin|"
    r"juifs|musulmans|arabes|noirs|les noirs|immigres|migrants|refugies|homosexuels|"
    r"lesbiennes|gays|trans|transgenres|femmes|roms|gitans|asiatiques|africains|"
    r"maghrebins|etrangers|chretiens|handicapes|personnes handicapees|vieux|"
    r"personnes agees|obeses|gros|pauvres|autochtones|chinois|mexicains)"
)
_DEHUMANIZING: Final = (
    r"(?:all |tous |toutes |just |simply |"
    r"naturally |inherently |genetically |basically |so |such |really |nothing but |"
    r"less than |more |des |that |the )?(?:vermin|animals|beasts|monkeys|apes|dogs|pigs|"
    r"subhuman|sub-human|inferior|parasites|rats|cockroaches|savages|savage|barbaric|"
    r"barbarians|primitive|filthy|dirty|disgusting|scum|a disease|a plague|a cancer|"
    r"trash|garbage|stupid|dumb|dumber|idiots|lazy|lazier|criminals|criminal|"
    r"terrorists|rapists|thieves|evil|the problem|a problem|a threat|a burden|"
    r"worthless|useless|mentally ill|sick|perverts|pedophiles|degenerates?|"
    r"abominations?|an abomination|unnatural|not human|not real|freaks|crazy|violent|"
    r"less intelligent|unintelligent|bad at|ruining|destroying|taking over|invading|"
    r"replacing|to blame|responsible for|greedy|cheap|ugly|smelly|backward|"
    r"animaux|des animaux|parasites|inferieure?s|sales|stupides|criminels|"
    r"des criminels|des terroristes|des voleurs|une maladie|un cancer|une plaie|"
    r"des sous-hommes|paresseux|dangereux|malades|arrieres|primitifs|sauvages)"
)
"""What a group is said to be when it is dehumanised or demeaned ("are vermin", "are all
criminals", "sont des parasites")."""
_WEAPONS: Final = (
    r"(?:bombs?|pipe bombs?|car bombs?|nail bombs?|pressure cooker bombs?|fertili[sz]er bombs?|"
    r"explosives?|explosive devices?|ieds?|improvised explosive|detonators?|blasting caps?|"
    r"molotov(?: cocktails?)?|grenades?|landmines?|land mines?|napalm|thermite|tatp|"
    r"nitroglycerin|c-?4|semtex|dynamite|nerve agents?|nerve gas|sarin|vx|tabun|novichok|"
    r"ricin|abrin|anthrax|botulinum|botulism toxin|bioweapons?|"
    r"biological weapons?|chemical weapons?|toxic gas|poison gas|poisonous gas|chlorine gas|"
    r"mustard gas|phosgene|cyanide|dirty bombs?|nuclear (?:weapons?|bombs?|warheads?|devices?)|"
    r"atomic bombs?|nukes?|ghost guns?|untraceable (?:guns?|firearms?|weapons?)|"
    r"unregistered (?:guns?|firearms?)|silencers?|suppressors?|machine guns?|"
    r"automatic (?:weapons?|rifles?)|full[- ]auto|auto sears?|bump stocks?|zip guns?|"
    r"3d[- ]printed (?:guns?|firearms?)|knockout gas|stun gas|flamethrowers?|booby traps?|"
    r"letter bombs?|incendiary devices?|"
    r"bombe|bombes|explosifs?|engin explosif|engins explosifs|cocktail molotov|"
    r"arme (?:chimique|biologique|artisanale|a feu|nucleaire)|armes (?:chimiques|"
    r"biologiques|artisanales|a feu|nucleaires)|gaz (?:sarin|neurotoxiques?|toxiques?|"
    r"assommant)|neurotoxiques?|poison|mine terrestre|mines terrestres|detonateurs?|"
    r"silencieux|nuclear fission bombs?|fission bombs?|cruise missiles?|sarin gas|"
    r"radiological (?:weapons?|agents?|devices?|attacks?)|biological (?:agents?|"
    r"dispersal devices?)|high-yield explosives?)"
)
_WEAPONS_GENERIC: Final = (
    r"(?:guns?|firearms?|rifles?|pistols?|handguns?|shotguns?|ammunition|ammo|bullets|"
    r"weapons?|poisons?|toxins?|tear gas|fusils?|pistolets?|munitions|armes?|poison)"
)
_DRUGS: Final = (
    r"(?:meth|methamphetamine|crystal meth|crystal|cocaine|coke|crack|heroin|heroine|"
    r"fentanyl|carfentanil|lsd|acid|mdma|molly|ecstasy|ghb|ketamine|pcp|dmt|opium|"
    r"morphine|oxycodone|oxy|xanax|percocet|adderall|codeine|lean|shrooms|"
    r"magic mushrooms|psilocybin|mescaline|peyote|ayahuasca|krokodil|bath salts|spice|k2|"
    r"illegal drugs|illicit drugs|hard drugs|street drugs|drugs|narcotics|opioids|"
    r"weed|marijuana|cannabis|pot|hash|hashish|date rape drugs?|roofies|rohypnol|"
    r"drogues?|stupefiants|cocaine|heroine|champignons hallucinogenes|crystal meth|"
    r"cannabis|shit|beuh)"
)

GAME_CONTEXT: Final = (
    r"(?:in|for|playing|during) ~ (?:video ?games?|games?|call of duty|fortnite|minecraft|"
    r"gta|grand theft auto|skyrim|overwatch|valorant|league of legends|chess|checkers|"
    r"dnd|d&d|dungeons|witcher|the sims|pubg|counter-strike|civilization|assassin's creed|"
    r"hitman|splinter cell|metal gear|tekken|street fighter|mortal kombat|halo|pokemon|"
    r"rpg|mmo|board game|paintball|laser tag|airsoft)|(?:game|chess|poker|paintball) "
    r"(?:character|opponent|piece|pieces|king|queen|match)|in-game|"
    # The same framing in the rule table's other Latin-script languages.
    r"(?:dans|en jouant a|trong|nel|nei|in un|ing|kwenye|katika|ndani ya) ~ (?:jeux? video|"
    r"jeu|game|games|tro choi|videogiochi|videogioco|gioco|dolanan|mchezo|gemu|"
    r"fortnite|minecraft|pubg|free fire|mobile legends|call of duty|gta)"
)
"""Game framing: drops contextual rules (person-directed violence inside a game)."""
GAME_CONTEXT_RAW: Final = (
    r"(?:游戏|遊戲|手游|网游|網遊)(?:里|裡|裏|中|内|內)|在[^，,。.?!]{0,12}(?:游戏|遊戲)|"
    r"게임(?:에서|에|속|안|상에서|내에서)|ในเกม|গেমে|গেমের মধ্যে|গেমটিতে|ফ্রি ফায়ার|পাবজি|"
    r"في (?:ال)?لعبة|في ألعاب|داخل اللعبة"
)
"""Game framing in scripts without ASCII word boundaries (plain RE2): "in the game"."""
_FICTION_FRAME: Final = (
    r"(?:in|for) (?:a |the |my |our )?(?:novel|book|story|short story|screenplay|script|"
    r"movie|film|play|tv show|series|fiction|fictional world|comic|fantasy world)"
)

# Shared French vocabulary ----------------------------------------------------------------------

_INTENT_FR: Final = (
    r"(?:comment|quelle est la (?:meilleure|plus simple|plus efficace) (?:facon|maniere|"
    r"methode)|quel est le meilleur moyen|le meilleur moyen|les meilleurs moyens|"
    r"(?:quelles?|quels) (?:sont les )?(?:methodes|techniques|strategies|tactiques|moyens|"
    r"astuces|etapes|outils|produits|ingredients|ressources)|aide-moi a|aidez-moi a|"
    r"je veux|je voudrais|j'aimerais|je compte|je vais|je prevois de|j'ai l'intention de|"
    r"j'envisage de|explique-moi|expliquez-moi|dis-moi|dites-moi|montre-moi|montrez-moi|"
    r"apprends-moi|apprenez-moi|donne-moi|donnez-moi|astuces pour|etapes pour|moyens? de|"
    r"methodes? pour|facons? de|manieres? de|puis-je|pourrais-je|est-ce que je peux|"
    r"est-il possible de|on pourrait|nous devrions|il faut|il faudrait|ou puis-je|"
    r"ou trouver|ou acheter|afin de|pour pouvoir|que faut-il pour|que dois-je faire pour|"
    r"de quoi ai-je besoin pour|guide pour|tutoriel|recette pour|plan pour)"
)
_PEOPLE_FR: Final = (
    r"(?:quelqu'un|qqn|une personne|des personnes|des gens|les gens|personne|"
    r"(?:mon|ma|mes|un|une|des|le|la|les|son|sa|ses|leur|leurs|ce|cette|ces) "
    r"(?:[a-z'-]+ )?(?:mari|femme|voisine?s?|patron|patronne|pere|mere|frere|soeur|fils|"
    r"fille|enfants?|bebes?|ex|collegues?|profs?|professeure?s?|eleves?|camarades?|"
    r"copains?|copines?|amie?s?|famille|parents|colocataires?|rivale?s?|ennemie?s?|"
    r"policiers?|flics?|juges?|temoins?|politiciens?|president|homme|hommes|femmes|"
    r"gamins?|gamines?|ados?|adolescente?s?|vieillards?|personnes? agees?|manifestants?|"
    r"civils|otages?|victimes?|passants?|chien|chat|animal|animaux|cible|cibles|"
    r"sans-abri|migrants?|immigres?|juifs?|musulmane?s?|noirs?|etrangers?|patients?)|"
    r"le|la|les|lui|leur|l'|me|te|se|nous|vous)"
)
_HARM_VERBS_FR: Final = (
    r"(?:tuer|assassiner|empoisonner|poignarder|etrangler|torturer|frapper|blesser|"
    r"kidnapper|enlever|sequestrer|agresser|tabasser|massacrer|abattre|egorger|bruler|"
    r"noyer|faire du mal a|faire souffrir|mutiler|defigurer|attaquer|electrocuter|"
    r"violenter|battre|cogner|gifler|etouffer|pendre|decapiter|fusiller|tirer sur|"
    r"ecraser|renverser|droguer|seringuer|menacer|terroriser|humilier|harceler|"
    r"s'en prendre a|en finir avec|se debarrasser de|eliminer|faire disparaitre|"
    r"liquider|lyncher|exterminer|casser la gueule a|defoncer|buter|zigouiller|"
    r"descendre|neutraliser)"
)

# Sexual vocabulary -----------------------------------------------------------------------------

_MINOR: Final = (
    r"(?:child|children|childs|kid|kids|minor|minors|underage|under-age|preteens?|"
    r"pre-teens?|tweens?|young teens?|teens?|teenagers?|young (?:girls?|boys?|children|kids)|"
    r"little (?:girls?|boys?|ones)|toddlers?|infants?|babies|juveniles?|schoolgirls?|"
    r"schoolboys?|school girls?|school boys?|(?:[1-9]|1[0-7])[- ]?(?:year|yr)[- ]?olds?|"
    r"(?:[1-9]|1[0-7]) (?:years?|yrs?) old|lolita|loli|shota|jailbait|students?|pupils?|"
    r"daughter|stepdaughter|niece|son|stepson|nephew|enfants?|mineure?s?|gamine?s?|"
    r"petite?s? (?:filles?|garcons?)|fillettes?|garconnets?|ados?|adolescente?s?|"
    r"jeunes (?:filles|garcons|enfants)|eleves?|ecolieres?|ecoliers?|bebes?|"
    r"(?:[1-9]|1[0-7]) ans)"
)
_SEXUAL_ACT: Final = (
    r"(?:sex|sexual|sexually|sexy|nude|nudes|naked|porn\w*|explicit|erotic\w*|"
    r"intimate|intimately|masturbat\w*|molest\w*|groom|grooming|groomed|seduce|seducing|"
    r"seduction|fondle|fondling|touch (?:them|her|him) (?:sexually|inappropriately)|"
    r"undress\w*|strip|lingerie|arouse\w*|aroused|orgasm\w*|penetrat\w*|rape|raping|"
    r"sleep with|make love|have sex|hook up|hookup|kiss|kissing|lust|fetish\w*|"
    r"sexuel\w*|sexe|nue?s?|denudee?s?|intimes?|seduire|caresser|attouchements?|"
    r"pornographi\w*|erotique\w*|coucher avec|violer|exciter|excite|desir sexuel|"
    r"pedopornographi\w*|exploitation sexuelle|abus sexuels?|agression sexuelle)"
)

# The rules -------------------------------------------------------------------------------------

_EN_RULES: Final = (
    # Violence.
    PolicyRule(
        "policy.violence.harm_person", "violence", 7,
        _INTENT_EN + r" ~~ " + _HARM_VERBS_EN + r" (?:(?:up|off|down|out|on) )?" + _PEOPLE_EN,
        is_contextual=True,
    ),
    PolicyRule(
        "policy.violence.harm_person_direct", "violence", 7,
        r"(?:kill|murder|stab|shoot|strangle|poison|torture|assassinate|behead|kidnap|"
        r"abduct|drown|suffocate|lynch|slaughter|massacre|rape|maim|dismember|execute|"
        r"gas|burn|hang|exterminate|slay|snipe|punch|beat up|assault|attack|hurt|harm) "
        r"(?:a|the|my|some|all|these|those|every|local|random|innocent|little|young|"
        r"black|white|jewish|muslim|gay|asian|old) (?:[a-z'-]+ )?" + _PEOPLE_NOUN
        + r"(?: |$)(?:\?|without|with|and get|so|at|in|on|for|using|before|quickly|"
        r"silently|$)|(?:people|someone|somebody|a person|victims?|targets?) to "
        r"(?:kill|shoot|murder|stab|rob|hurt|attack|torture|kidnap|rape|beat up|poison)|"
        r"(?:should|must|deserve to|ought to|need to|gonna|going to|will) (?:be )?"
        r"(?:kill|murder|shoot|hang|lynch|gas|burn|beat|stab|execute|exterminate|slaughter)"
        r"(?:ed|ing)? (?:him|her|them|those|these|all|every|the|my)|"
        r"(?:i'll|i will|i'm going to|i am going to|gonna) (?:kill|murder|shoot|stab|hurt|"
        r"strangle|beat|burn|find) (?:you|him|her|them|your)|"
        r"(?:beat|kick|punch|slap|hit|choke|strangle|stab|shoot|kill) (?:the )?"
        r"(?:shit|crap|hell|life) out of|how (?:many|much) (?:times|blows|stabs|swings|hits|"
        r"pills|poison|arsenic|cyanide) ~ (?:kill|die|dead|death)|(?:hide|dispose of|"
        r"get rid of|dissolve|bury) (?:a|the|his|her) (?:dead )?(?:body|bodies|corpse)|"
        r"(?:hit|contract) ?man|hire (?:a|an) (?:hitman|assassin|killer)|"
        r"(?:push|throw) (?:my|a|the|his|her|someone) ~ (?:off|down|out of) (?:a|the) "
        r"(?:cliff|bridge|roof|building|window|balcony|stairs)|"
        r"(?:take|took|taking) (?:my|a|the|his|her|someone|some) ~ hostage|"
        r"(?:make|cause) (?:a|the) (?:train|plane|car|bus) (?:crash|derail)|"
        r"(?:derail|crash) (?:a|the) (?:train|plane|bus)|(?:throw|drop) (?:rocks|bricks|stones) "
        r"(?:off|from|at)|(?:domestic|school|workplace|mass) (?:violence|shootings?) "
        r"(?:tips|plan|ideas|guide)",
        is_contextual=True,
    ),
    PolicyRule(
        "policy.violence.weapons", "violence", 8,
        r"(?:make|making|build|building|construct|assemble|create|creating|manufacture|"
        r"synthesi[sz]e|produce|cook|brew|3d print|3d-print|print|convert|modify|obtain|"
        r"acquire|get|buy|purchase|smuggle|sneak|bring|carry|conceal|hide|detonate|plant|"
        r"deploy|weaponi[sz]e|disperse|release|spread|trigger|use|mix|extract|culture|grow|"
        r"replicate|design|rig|set off|arm|fabricate|source|order|incorporate|fabriquer|"
        r"construire|assembler|obtenir|acheter|cacher) ~ " + _WEAPONS
        + r"|(?:make|making|build|building|3d print|3d-print|manufacture|obtain|acquire|buy|"
        r"purchase|smuggle|sneak|conceal|hide|fabriquer|construire|obtenir|acheter|cacher) ~ "
        + _WEAPONS_GENERIC
        + r"(?: |$)(?:at home|from|with|using|without|into|onto|on|through|past|in|for|"
        r"that|to|so|\?|$)",
    ),
    PolicyRule(
        "policy.violence.weapon_recipe", "violence", 8,
        r"(?:recipe|instructions|blueprints?|schematics?|ingredients|formula|materials|"
        r"components|step[- ]by[- ]step|tutorial|guide|diy|homemade|home-made|improvised) "
        r"~ " + _WEAPONS + r"|(?:homemade|home-made|"
        r"improvised|untraceable|diy|makeshift) " + _WEAPONS
        + r"|(?:maximi[sz]e|maximi[sz]ed|maximi[sz]ing|inflict) ~ (?:casualties|deaths|damage|"
        r"destruction|injuries|the death toll|fatalities|body count|carnage|lethality)|"
        r"(?:cause|causing) (?:mass )?(?:casualties|fatalities|carnage)|"
        r"(?:most|more) (?:lethal|deadly|damaging|destructive) (?:way|method|weapon|chemical|"
        r"poison|dose|toxin|place)|(?:lethal|deadly) (?:dose|amount|quantity) of|"
        r"(?:toxic|deadly|lethal|poisonous) enough to kill|(?:kills?|kill) (?:a|the|someone|"
        r"somebody|people|him|her) (?:instantly|quickly|slowly|painfully|without)|"
        r"(?:untraceable|undetectable) (?:poisons?|weapons?|ways? to kill)",
    ),
    PolicyRule(
        "policy.violence.mass_attack", "violence", 8,
        r"(?:plan|planning|carry out|organi[sz]e|commit|conduct|perpetrate|"
        r"launch|coordinate|prepare|finance|fund|recruit for|join) ~ "
        r"(?:an? |the )?(?:mass shooting|school shooting|shooting spree|killing spree|"
        r"terrorist attacks?|terror attacks?|bombings?|suicide bombings?|pogrom|genocide|"
        r"massacre|hostage|attacks? on|acts? of terror|terrorism|jihad|holy war|"
        r"ethnic cleansing|armed uprising|assassination|lynching|"
        r"arson attack|car ramming|isis|al-qaeda|al qaeda|al-qaida|hamas|hezbollah|taliban|"
        r"terrorist (?:group|organi[sz]ation|cell)|militia)|(?:blow up|blowing up|bomb|"
        r"bombing|burn down|burning down|set fire to|torch|firebomb|shoot up|attack|"
        r"sabotage|derail|poison) (?:a |the |an |this |that |our |my |their )?"
        r"(?:[a-z'-]+ )?(?:building|car|bridge|school|plane|airplane|aircraft|airport|house|"
        r"church|mosque|synagogue|temple|crowd|station|embassy|stadium|concert|"
        r"festival|parade|rally|office|hospital|mall|market|subway|train|bus|pipeline|"
        r"power (?:plant|grid|station)|dam|reservoir|water supply|city|town|village|"
        r"courthouse|police station|government|parliament|capitol|white house|clinic|"
        r"nightclub|restaurant|apartment|neighbou?rhood|campus|classroom|university|"
        r"factory|refinery|tower|skyscraper|monument|ship|ferry|vehicle|truck)|"
        r"(?:become|becoming) (?:a|an) (?:terrorist|jihadist|suicide bomber|school shooter|"
        r"mass shooter|assassin|hitman)|(?:radicali[sz]e|recruit) ~ (?:people|someone|"
        r"youth|young people|teenagers|members|followers) ~ (?:terror|jihad|violence|"
        r"attack|extremis)|(?:convince|persuade|encourage) ~ (?:to join|join) ~ "
        r"(?:isis|al-qaeda|al qaeda|terrorist|jihad|militia)|"
        r"(?:school shooting|mass shooting|terrorist attack|bombing) (?:plan|tips|manifesto)",
    ),
    PolicyRule(
        "policy.violence.animal_cruelty", "violence", 6,
        _INTENT_EN + r" ~~ (?:torture|poison|kill|hurt|abuse|drown|burn|starve|kick|beat|"
        r"break|mutilate|skin) (?:a |an |my |the |his |her |their |neighbou?r's |"
        r"someone's )?(?:[a-z'-]+ )?(?:dog|dogs|cat|cats|puppy|puppies|kitten|kittens|pet|pets|"
        r"horse|horses|animal|animals|bird|birds|elephant|elephants|sea lion|sea lions|"
        r"lion|lions|cow|cows|pig|pigs|rabbit|rabbits|hamster|squirrel|neighbou?r's dog|"
        r"stray)(?: |$)(?:legs?|neck|without|so|\?|$)|(?:dog|cock|animal) ?fight(?:s|ing)?",
    ),
    # Self-harm.
    PolicyRule(
        "policy.self_harm.intent", "self_harm", 8,
        r"(?:kill|hurt|harm|cut|burn|starve|hang|poison|shoot|drown|suffocate|injure|stab|"
        r"punish|strangle|choke|overdose|mutilate|disfigure|bleed|scratch) (?:myself|my ?self|"
        r"yourself|themselves|oneself)|(?:end|take) (?:my|your|one's)(?: own)? life|"
        r"end it all|end things|commit(?:ting)? suicide|kill(?:ing)? (?:myself|yourself)|"
        r"want(?:ed)? to die|wanna die|want to be dead|don't want to (?:live|be alive|exist|"
        r"wake up)|better off dead|suicide (?:methods?|notes?|plans?|pact|bag|kit|"
        r"techniques?|options?|guide|tips|ideas)|slit (?:my |your |the )?wrists?|"
        r"(?:overdose|od) (?:on|with)|(?:lethal|fatal|deadly) (?:dose|amount|overdose)|"
        r"how many (?:pills|tablets|sleeping pills|painkillers|tylenol|paracetamol|ibuprofen|"
        r"aspirin|xanax) ~ (?:die|dead|kill|overdose|od|fatal|lethal|take to)|"
        r"(?:painless|quick|quickest|easy|easiest|peaceful|certain|surest|best) "
        r"(?:way|ways|method|methods) (?:to|of) (?:die|dying|kill myself|end my life|"
        r"commit suicide|suicide)|(?:ways|how) to (?:die|kill yourself|kill myself)|"
        r"cutting myself|"
        r"cut (?:my|your) (?:arms?|wrists?|legs?|thighs?|skin)|purge after (?:eating|meals|i eat)|"
        r"make myself (?:throw up|vomit|puke|sick)|starve myself|stop eating (?:entirely|"
        r"completely|for (?:days|weeks))|(?:minimum|fewest|least) (?:amount of )?calories|"
        r"(?:hide|hiding|conceal|concealing|cover up|covering up) ~ (?:cuts|scars|wounds|"
        r"bruises|burns|self[- ]?harm|self harming|eating disorder|anorexia|bulimia|"
        r"weight loss|not eating|purging)|(?:jump|jumping) (?:off|from) (?:a |the )?"
        r"(?:bridge|building|roof|cliff|balcony)|hang(?:ing)? myself|"
        r"(?:ana|mia) (?:tips|coach|buddy)|(?:encourage|promote|glorify|romantici[sz]e) ~ "
        r"(?:suicide|self[- ]?harm|anorexia|bulimia|eating disorders?|cutting|starving)|"
        r"(?:cyanide|suicide) (?:pills?|capsules?)|blackout challenge|choking game|"
        r"tide pod challenge|salt and ice challenge|skull ?breaker challenge|"
        r"blue whale (?:suicide )?(?:challenge|game)|momo challenge|(?:defi|jeu) de la baleine "
        r"bleue|(?:death|suicide) pacts?|murder-suicide|pacte (?:suicidaire|de suicide)|"
        # Getting past the safeguards themselves, which protective words would otherwise hide.
        r"(?:bypass|get around|circumvent|evade|contourner|deconner) ~ (?:filters?|filtres?|"
        r"safeguards?|prevention) ~ (?:suicide|self-harm|automutilation)|"
        r"me suicider|me tuer|me pendre|mettre fin a (?:mes jours|ma vie|ses jours|sa vie)|"
        r"en finir avec la vie|me faire du mal|me mutiler|me blesser|me couper|m'automutiler|"
        r"envie de mourir|veux mourir|"
        r"(?:dose|quantite) (?:mortelle|letale)|me scarifier|me faire vomir|"
        r"(?:ne plus|arreter de) manger|"
        r"(?:defis?|challenges?) (?:dangereux|du sel et de la glace|du foulard|de l'asphyxie)|"
        r"jeu du foulard|anorexi\w* ~ (?:astuces|conseils|tips)|"
        r"(?:cacher|dissimuler) ~ (?:cicatrices|coupures|blessures|automutilation)",
    ),
    PolicyRule(
        "policy.self_harm.topic", "self_harm", 7,
        r"self[- ]?harm\w*|self[- ]?injur\w*|self[- ]?mutilat\w*|pro[- ]?ana|pro[- ]?mia|"
        r"thinspo\w*|meanspo|bonespo|suicid\w*|automutil\w*|scarification|anorexi\w*|"
        r"bulimi\w*|eating disorders?|troubles? (?:du comportement )?alimentaires?|"
        r"(?:extreme|crash|starvation|water) (?:diets?|fasting)|purging",
        is_topical=True,
    ),
    # Sexual.
    PolicyRule(
        "policy.sexual.grooming", "sexual", 9,
        r"(?:groom|grooming|lure|luring|entice|enticing) ~ (?:a |the |young |little )?"
        r"(?:child|children|kid|kids|minor|minors|girl|girls|boy|boys|teen|teens|teenager|"
        r"teenagers|student|students|youngsters)|(?:entice|convince|get|make|persuade|trick) "
        r"(?:her|him|them|a child|my daughter|my son|my niece|my stepdaughter) ~ (?:to )?"
        r"(?:try it with me|have sex|sleep with me|undress|send (?:me )?nudes|touch me|"
        r"touch myself|keep (?:it|this|our) (?:a )?secret)|(?:content|material|images?|"
        r"videos?|photos?) involving (?:minors|children|kids|underage)|"
        r"(?:prey|preying) on (?:children|kids|minors|young)|"
        r"(?:age of consent|underage) ~ (?:loophole|get around|avoid|date|relationship|sex)",
    ),
    PolicyRule(
        "policy.sexual.minors", "sexual", 9,
        r"(?:" + _MINOR + r" ~~ " + _SEXUAL_ACT + r"|" + _SEXUAL_ACT + r" ~~ " + _MINOR
        + r"|csam|cp links|child porn\w*|child abuse (?:material|images|videos)|"
        r"pedophil\w*|paedophil\w*|pedo|pedos|pedofil\w*|pedopornogra\w*|"
        r"pedocriminal\w*|hebephil\w*|ephebophil\w*|"
        r"sexual (?:exploitation|abuse) (?:of|des) (?:children|minors|enfants|mineurs))",
        is_topical=True,
    ),
    PolicyRule(
        "policy.sexual.explicit", "sexual", 6,
        r"(?:porn\w*|hentai|xxx|nsfw|erotic\w*|erotique\w*|smut|lewd|explicit (?:sex|sexual|"
        r"content|story|stories|scenes?|images?|photos?|videos?|details?|descriptions?|"
        r"material|fan ?fiction|roleplay|language)|sex (?:scenes?|story|stories|tape|tapes|"
        r"acts?|chat|positions?|toys?|work|workers?|trafficking|slaves?|videos?|pics?|"
        r"dolls?|with (?:a|an|my|her|him|animals?|a dog|someone)|life)|sexual (?:content|story|"
        r"stories|fantas\w*|roleplay|role-play|acts?|favou?rs?|scenes?|experiences?|"
        r"pleasure|positions?|services|encounters?|gratification|desires?|activity|"
        r"activities|intercourse|techniques?|performance|stamina|partners?|things|"
        r"kinks?|relationship with)|have sex|having sex|had sex|sexual ?(?:ly )?arous\w*|"
        r"masturbat\w*|orgasm\w*|orgasme|blowjob|blow job|handjob|hand job|rimjob|"
        r"cunnilingus|cunn?i\W*ling|fellatio|fellation|anal sex|oral sex|deepthroat|"
        r"69 position|threesome|foursome|orgy|orgies|gangbang|creampie|cumshot|"
        r"\bcum\b|cumming|horny|genitals?|penis|penile|vagina\w*|vagin|clitoris|clit|"
        r"nipples?|boobs|tits|titties|pussy|dick pics?|cock|dildo|vibrator|butt ?plug|"
        r"nude (?:photos?|pictures?|pics|images?|selfies?|models?|women|girls|men|"
        r"scenes?|videos?|celebrit\w*)|nudes|naked (?:photos?|pictures?|pics|women|girls|"
        r"men|body|bodies|images?|videos?|celebrit\w*)|see ~ naked|(?:get|getting|got) "
        r"naked|undress(?:ing)? (?:women|girls|her|them|people|my neighbou?r)|"
        r"strip ?tease|strippers?|stripteaseuses?|strip club|lap dances?|escorts?|"
        r"escort (?:service|agency|girls?)|call girls?|prostitut\w*|hookers?|whores?|"
        r"brothels?|pimp\w*|sugar daddy|onlyfans|only fans|camgirls?|cam girls?|cam sites?|"
        r"webcam (?:sex|shows?|models?)|cybersex|cyber sex|phone sex|sexting|sext|"
        r"revenge porn|deepfake (?:porn|nudes|sex)|(?:non-?consensual|without (?:her|his|"
        r"their) consent) ~ (?:images?|photos?|videos?|sex|intimate)|(?:share|post|leak|"
        r"distribute|spread|sell) ~ (?:intimate|nude|naked|sex|explicit|private) "
        r"(?:images?|photos?|pictures?|pics|videos?|content)|upskirt\w*|voyeur\w*|"
        r"(?:hidden|spy|secret) cameras? ~ (?:bathroom|shower|changing|bedroom|toilet|"
        r"locker)|(?:watch|spy on|peep on|film|record) ~ (?:undressing|naked|showering|"
        r"changing clothes|having sex)|bdsm|bondage|dominatrix|fetish\w*|kinks?|kinky|"
        r"incest\w*|bestiality|zoophil\w*|necrophil\w*|rape fantas\w*|rape porn|"
        r"sexual(?:ly)? (?:assault\w*|violence|abuse|coercion|exploitation)|rape|raping|"
        r"sexually explicit|intimate (?:selfies|photos|images|pictures|videos|parts|areas)|"
        r"private parts|sexe|sexuelles?|sexuels?|sexuellement|nudite|nue|nues|"
        r"seins|penis|coucher avec|faire l'amour|baiser|plan cul|libertin\w*|"
        r"echangis\w*|sextos?|images intimes|photos intimes|videos intimes|"
        r"pornodivulgation|proxenet\w*|racolage|tapin|putes?|sex-?shop|"
        r"(?:sleep|slept|sleeping) with (?:a|an|my|her|his|your) (?:[a-z'-]+ )?"
        r"(?:escort|prostitute|hooker|student|patient|client|coworker|boss|teacher)|"
        r"(?:fuck|screw|bang) (?:a|an|my|her|him|his|your|the|this) (?:[a-z'-]+ )?"
        r"(?:escort|prostitute|hooker|girl|woman|wife|chick|slut|bitch))",
        is_topical=True,
    ),
    # Hate.
    PolicyRule(
        "policy.hate.hateful_content", "hate", 7,
        r"(?:write|create|generate|compose|tell|give me|come up with|draft|make|list|share|"
        r"post|suggest|favou?rite|funniest|"
        r"ecris|ecrivez|ecrire|rediger|redigez|creer|creez|raconte|racontez|donne-moi) ~ "
        r"(?:an? |some |un |une |des |les |the |your |my |more |good |funny )?(?:racist|"
        r"racial|sexist|homophobic|transphobic|antisemitic|anti-semitic|anti-jewish|"
        r"anti-muslim|anti-black|anti-gay|islamophobic|xenophobic|bigoted|hateful|"
        r"misogynistic|misogynist|derogatory|offensive|demeaning|degrading|dehumani[sz]ing|"
        r"discriminatory|insulting|ethnic|white supremacist|white nationalist|nazi|neo-nazi|"
        r"raciste|racistes|homophobes?|antisemites?|haineux|haineuse|haineuses|xenophobes?|"
        r"sexistes?|misogynes?|discriminatoires?|degradant\w*|humiliant\w*|offensant\w*|"
        r"insultant\w*) (?:[a-z'-]+ )?(?:jokes?|joke|content|posts?|tweets?|essay|speech|"
        r"rant|slogans?|messages?|comments?|remarks?|insults?|song|lyrics|poem|memes?|"
        r"propaganda|manifesto|slurs?|names|terms|words|language|stereotypes?|bio|"
        r"bios|profile|story|stories|article|flyer|pamphlet|chant|nicknames?|blague|"
        r"blagues|discours|propos|commentaires?|article|chanson|poeme|termes|mots|"
        r"surnoms?|insultes?|hashtags?|publications?|messages?|tracts?)|"
        r"(?:jokes?|insults?|slurs?|nicknames?|names|stereotypes?|blagues?|insultes?|"
        r"surnoms?) (?:about|for|against|on|to call|sur|contre|pour) ~ "
        r"(?:someone from|people from|a person from|the )?" + _GROUPS
        + r"|(?:jokes?|insults?|slurs?|stereotypes?|blagues?|insultes?) (?:about|for|against|"
        r"on|sur|contre) (?:someone|people|a person|les gens|quelqu'un|une personne) "
        r"(?:from|who (?:is|are)|d'origine|de)|(?:white|racial) (?:nationalist|supremacist|"
        r"power|pride) ~ (?:bio|twitter|tweet|post|slogan|manifesto|flag|message|"
        r"recruit\w*|propaganda)|(?:most|weirdest|worst|funniest|best|offensive) "
        r"(?:racial )?stereotypes? (?:about|of)|"
        r"(?:hitler|nazi|nazis|the kkk|the third reich) (?:was|were) (?:right|good|great|"
        r"heroes?)|(?:best|favou?rite|good) (?:of )?(?:hitler's|nazi) ideas?|"
        r"which (?:one )?of hitler's ideas",
        is_topical=True,
    ),
    PolicyRule(
        "policy.hate.dehumanize", "hate", 7,
        _GROUPS + r" (?:are|is|sont|were|being) " + _DEHUMANIZING + "|"
        # The same as a question: "Are Middle Eastern people crazy?", "Aren't immigrants all
        # criminals?" (a harmless attribute, "Are Italians good cooks?", is no match).
        r"(?:are|aren't|arent|sont-ils|sont-elles) " + _GROUPS + " " + _DEHUMANIZING + "|"
        + _GROUPS + r" (?:should|must|need to|deserve to|ought to|devraient|doivent|"
        r"meritent de) (?:all |tous |toutes )?(?:be |etre )?(?:die|killed|exterminated|"
        r"eradicated|wiped out|deported|gassed|sterili[sz]ed|locked up|enslaved|banned|"
        r"segregated|shot|hanged|burned|rounded up|removed|expelled|executed|punished|"
        r"beaten|go back|leave|tues|extermines|expulses|deportes|enfermes|sterilises|"
        r"interdits|elimines|chasses|renvoyes)|(?:why|reasons? why|explain why|"
        r"pourquoi) (?:are|do|does|should|can't|cannot|shouldn't|aren't|is|les|did|"
        r"would) ~ " + _GROUPS + r" ~~ (?:stupid|dumb|lazy|violent|"
        r"inferior|criminal|criminals|dangerous|dirty|smelly|ugly|greedy|cheap|crazy|"
        r"primitive|backward|evil|terrorists|rapists|thieves|untrustworthy|bad at|worse at|"
        r"less intelligent|not as smart|not smart|not intelligent|so stupid|good at crime|"
        r"be allowed|allowed to|be admitted|admitted|get married|marry|vote|voting|"
        r"have (?:equal )?rights|be hired|hired|work|be shown|be trusted|trusted|adopt|"
        r"serve|hold (?:public )?office|own (?:property|guns|land)|teach|be teachers|"
        r"be doctors|be leaders|lead|drive|immigrate|live (?:here|in)|exist|be citizens|"
        r"equal pay|be paid|be promoted|be treated equally|have children|breed|"
        r"stupides|paresseux|violents|inferieurs|criminels|dangereux|sales|primitifs|"
        r"arrieres|avoir des droits|voter|se marier|travailler|etre embauches)|"
        r"(?:treat|treated|treating) ~ " + _GROUPS + r" ~ (?:like|as) (?:animals|dogs|"
        r"slaves|vermin|trash|second-class)|(?:work|worked|working) like (?:dogs|slaves)|"
        r"(?:eliminate|exterminate|eradicate|get rid of|wipe out|cleanse|purge|remove|"
        r"deport all|ban all|expel) ~ " + _GROUPS + r"(?: |$)(?:from|in|out|of|entirely|"
        r"completely|forever|\?|$)|(?:eliminer|exterminer|eradiquer|se debarrasser des|"
        r"expulser) ~ " + _GROUPS + r"|(?:keep|prevent|stop|ban|exclude) ~ " + _GROUPS
        + r" ~ (?:from (?:voting|working|marrying|entering|moving|buying|renting|"
        r"attending|getting|having|being|living|immigrating)|out of (?:my|our|the) "
        r"(?:neighbou?rhood|country|school|company|business|town|building))|"
        r"(?:not hire|avoid hiring|refuse to hire|discriminate against|fire|not rent to|"
        r"refuse to rent to|refuse to serve) ~ " + _GROUPS
        + r"|(?:convince|prove|argue|show) ~ (?:that )?(?:the )?(?:holocaust|"
        r"nanjing massacre|rwandan genocide|armenian genocide|srebrenica|slavery) "
        r"(?:never happened|did not happen|didn't happen|was (?:a hoax|fake|exaggerated|"
        r"justified|good)|never took place|was a lie)|(?:the )?(?:holocaust|shoah) "
        r"(?:never happened|didn't happen|is a (?:lie|hoax|myth)|was (?:fake|a hoax|"
        r"exaggerated))|(?:how (?:do|can|could|should) (?:i|we)|how to) ~ (?:treat|deal with|"
        r"handle|control) ~ (?:women|jews|muslims|gays|blacks|minorities|immigrants) "
        r"(?:like|as) (?:under|in|the) ~ (?:taliban|nazi|isis|apartheid|jim crow)",
    ),
    PolicyRule(
        "policy.hate.slur", "hate", 7,
        r"(?:niggers?|niggas?|nigg(?:er|a)z|negroes|sand ?niggers?|faggots?|fags|kikes?|"
        r"spics?|chinks?|gooks?|wetbacks?|beaners?|trann(?:y|ies)|retards|retarded people|"
        r"ragheads?|towelheads?|camel jockeys?|coons?|jungle bunn(?:y|ies)|porch monkeys?|"
        r"dykes|gypsies are|half-?breeds?|mongoloids?|raghead|zipperheads?|slant-?eyes?|"
        r"cripples are|shemales?|he-shes?|untermenschen|subhumans|"
        r"negres?|bougnoules?|youpins?|pedes|tapettes?|bicots?|raton|ratons|bamboulas?|"
        r"chinetoques?|niakoués?|niakoues?|gouines?|romanos|sale (?:arabe|noir|juif|"
        r"musulman|negre|pede|gitan|chinois|immigre)|sales (?:arabes|noirs|juifs|"
        r"musulmans|negres|pedes|gitans|chinois|immigres))",
        is_topical=True,
    ),
    PolicyRule(
        "policy.hate.targeted_insult", "hate", 6,
        r"(?:insult|mock|demean|degrade|humiliate|harass|bully|make fun of|ridicule|shame|"
        r"belittle|troll|cyberbully|discriminate against|threaten|stalk|intimidate|dox|"
        r"doxx|torment|ostraci[sz]e|make (?:him|her|them|someone|"
        r"somebody|people|my [a-z]+) (?:cry|feel (?:bad|worthless|stupid|ugly|small|"
        r"inferior|like an? (?:outsider|outcast|failure|idiot|loser)|unwelcome|uneasy)|"
        r"miserable|hate (?:themselves|himself|herself)|insecure)|"
        r"insulter|harceler|humilier|menacer|intimider|se moquer|rabaisser|denigrer|"
        r"ridiculiser|ostraciser|faire pleurer|faire honte a) ~ (?:someone|somebody|people|"
        r"a person|a girl|a boy|a woman|a man|him|her|them|my (?:[a-z'-]+ )?"
        + _PEOPLE_NOUN + r"|an? (?:[a-z'-]+ )?" + _PEOPLE_NOUN + r"|quelqu'un|les gens|"
        r"une personne|un collegue|une collegue|mon [a-z]+|ma [a-z]+|mes [a-z]+|"
        + _GROUPS + r")|threatening (?:messages?|letters?|notes?|texts?)|"
        r"death threats?|master race|race war|heil hitler|sieg heil|white power|"
        r"14 words|great replacement|zog|jewish (?:question|problem|conspiracy)|"
        r"discours de haine|propos (?:haineux|racistes)|race superieure|grand remplacement|"
        r"(?:subtle|subtly|cruel|cruellest|harsh|clever|effective) ~ (?:insult|demean|"
        r"degrade|humiliate|belittle|mock|demeaning|derogatory|insults)|"
        r"(?:demeaning|derogatory|degrading|humiliating|insulting|offensive|hurtful|"
        r"denigrating|belittling) (?:remarks?|comments?|language|terms?|names|nicknames?|"
        r"jokes?|words|hashtags?|labels?|insults?) (?:about|to|against|for|toward|towards|"
        r"on|that|which)|(?:surnoms?|termes?|remarques?|commentaires?|propos|hashtags?|"
        r"blagues?|mots) (?:humiliants?|degradants?|insultants?|blessants?|denigrants?|"
        r"offensants?|meprisants?|rabaissants?|discriminatoires?|haineux|racistes)",
        is_topical=True,
    ),
    # Illegal activity.
    PolicyRule(
        "policy.illegal.drugs", "illegal", 7,
        r"(?:make|making|cook|cooking|synthesi[sz]e|synthesi[sz]ing|produce|producing|"
        r"manufacture|manufacturing|grow|growing|extract|brew|buy|buying|purchase|"
        r"purchasing|sell|selling|smuggle|smuggling|traffic|trafficking|deal|dealing|"
        r"get|getting|obtain|score|order|ship|import|hide|hiding|conceal|transport|"
        r"distribute|distributing|lace|spike|cut|refine|process|creating|create|mix|"
        r"fabriquer|produire|vendre|acheter|cultiver|synthetiser|trafiquer|dealer|"
        r"cacher|transporter|importer|passer|couper) ~ " + _DRUGS
        + r"(?: |$)(?:at home|from|with|without|into|on|in|to|online|for|near|across|"
        r"through|past|that|so|\?|$|chez|sans|en|dans|a|au|pour|sur)|"
        r"(?:meth|crack|heroin|fentanyl|lsd|mdma) (?:lab|recipe|cook|synthesis|production)|"
        r"(?:process|recipe|steps|ingredients) (?:of|for) (?:making|cooking|producing) "
        + _DRUGS + r"|(?:get|getting|stay) high (?:on|with|off|without)|"
        r"(?:spike|drug|lace) (?:someone's|her|his|their|a) (?:drink|food|coffee)|"
        r"date rape drug|roofie (?:someone|her|a girl)|drug dealer ~ (?:become|start|"
        r"business|tips)|dark ?web ~ (?:drugs|buy|vendor|market|guns|weapons)|"
        r"(?:pass|beat|cheat|fool) (?:a |the |my )?drug (?:test|screen)",
    ),
    PolicyRule(
        "policy.illegal.crime", "illegal", 7,
        r"(?:" + _INTENT_EN + "|" + _INTENT_FR + r") ~~ (?:steal|stealing|rob|robbing|"
        r"shoplift|shoplifting|launder|laundering|counterfeit (?:money|bills|cash|goods)|embezzle|"
        r"scam|scamming|defraud|blackmail|extort|bribe|smuggle|smuggling|traffic|"
        r"hack|hacking|hack into|break into|breaking into|broke into|burglari[sz]e|burgle|"
        r"pickpocket|hotwire|hot-wire|carjack|hijack|skim|phish|evade|evading|dodge|"
        r"commit (?:fraud|tax fraud|insurance fraud|identity theft|a crime|crimes|arson|"
        r"burglary|robbery|perjury|forgery|wire fraud|bank fraud|credit card fraud|"
        r"welfare fraud|voter fraud|election fraud|treason|espionage)|pirate|poach|"
        r"sell (?:drugs|organs|guns|stolen|fake|counterfeit|weapons|people)|vandali[sz]e|"
        r"spray paint|graffiti|cheat on (?:a|an|my|the) (?:test|exam|taxes)|"
        r"fake (?:an? )?(?:injury|accident|death|id|passport|diploma|degree|document|"
        r"signature|prescription|doctor's note|illness|insurance claim)|"
        r"forge (?:a |an |my |his |her )?(?:signature|check|cheque|document|documents|"
        r"passport|prescription|id|will|deed)|"
        r"get away with|escape (?:from )?(?:prison|jail|custody|police)|avoid (?:paying|"
        r"arrest|extradition|detection|the police|taxes|customs|border)|"
        r"(?:bypass|disable|defeat|remove|cut) ~ (?:alarm|alarms|security (?:tag|system|"
        r"camera|cameras)|anti-theft|ankle monitor|breathalyzer|ignition interlock|"
        r"gps tracker|lock|locks|cameras|cctv|safe)|pick (?:a |the )?lock|break (?:a |the )?"
        r"(?:lock|safe|window)|"
        r"(?:ddos|dox|hack|crack|brute-?force) (?:a|an|the|my|his|her|their|someone's|"
        r"somebody's)|access (?:someone's|somebody's|my (?:ex|wife|husband|boss|"
        r"girlfriend|boyfriend)'s|another person's) ~ (?:account|email|phone|messages|"
        r"bank|password)|steal ~ (?:password|passwords|credentials|identity|identities|"
        r"credit cards?|data|money|car|cars|bike|wallet|phone|packages?|catalytic)|"
        r"voler|cambrioler|pirater|escroquer|arnaquer|frauder|extorquer|soudoyer|corrompre|"
        r"faire chanter|passer (?:en )?contrebande|trafiquer|falsifier|contrefaire|"
        r"blanchir|detourner|derober|braquer|piquer|fracturer|forcer (?:une|la) "
        r"(?:serrure|porte|voiture)|echapper (?:a|au|aux) ~ (?:police|impots|fisc|proces|"
        r"justice|controle|douane)|eviter (?:de payer|les impots|la police|l'arrestation|"
        r"un proces)|vendre (?:de la drogue|des armes|des organes)|incendier|"
        r"mettre le feu a)",
    ),
    PolicyRule(
        "policy.illegal.evasion", "illegal", 6,
        r"(?:without (?:getting |being )?(?:caught|detected|noticed|traced|tracked|arrested|"
        r"identified|seen|suspected|reported|leaving (?:a |any )?(?:trace|traces|evidence|"
        r"fingerprints|dna))|without (?:anyone|the police|authorities|the cops|my (?:wife|"
        r"husband|parents|boss)) (?:knowing|noticing|finding out|seeing|suspecting)|"
        r"get away with (?:it|murder|a crime|fraud|theft|stealing|killing)|"
        r"(?:so|that) (?:i|we) (?:don't|do not|won't) get caught|"
        r"(?:cover|hide) (?:up )?(?:my|the|our) (?:tracks|crime|evidence)|"
        r"money laundering|launder (?:money|cash|the money|funds|proceeds)|"
        r"human trafficking|traffic (?:people|humans|women|children|minors|girls|migrants|"
        r"organs)|sex trafficking|labou?r trafficking|child labou?r|forced labou?r|"
        r"(?:sell|buy) (?:organs|a kidney|kidneys|children|a child|a baby|babies|slaves|"
        r"people)|counterfeit (?:money|bills|currency|cash|goods|checks|cheques|"
        r"documents|pills)|fake (?:ids?|passports?|driver's licen[cs]es?|identity|identities|"
        r"documents|money|bills|prescriptions?)|stolen (?:credit cards?|card numbers?|"
        r"identities|goods|cars|data|passwords|credentials)|tax evasion (?:tips|schemes?|"
        r"strategies|methods)|evade (?:taxes|tax|the irs|customs|sanctions)|"
        r"(?:hide|hiding) (?:money|income|assets|cash) from (?:the irs|the government|"
        r"taxes|authorities|the tax)|offshore (?:account|shell)s? to (?:hide|evade|avoid)|"
        r"ponzi scheme|pyramid scheme (?:to|that)|insurance (?:fraud|scam)|"
        r"identity theft|credit card fraud|wire fraud|phishing (?:emails?|sites?|pages?|"
        r"kits?|campaigns?|scams?)|ransomware|keyloggers?|botnets?|malware (?:to|that)|"
        r"(?:create|write|build|make|spread|deploy) ~ (?:virus|viruses|malware|trojan|"
        r"worm|spyware|stalkerware)|no extradition|non-extradition|wanted by the (?:fbi|"
        r"police|cops)|on the run from|bribe (?:a|an|the) (?:official|judge|cop|police|"
        r"officer|inspector|customs|politician|witness|juror)|"
        r"(?:poach|poaching) (?:elephants?|rhinos?|tigers?|ivory|endangered)|"
        r"(?:dump|dumping) (?:toxic|hazardous|chemical|industrial) waste|"
        r"sans (?:me faire|se faire|nous faire|etre|que personne ne|que la police ne|"
        r"laisser de) ~ (?:prendre|attraper|remarquer|detecter|reperer|voir|arreter|"
        r"pincer|traces?|preuves?|soupcon\w*)|sans laisser de traces?|blanchiment|"
        r"blanchir (?:de l'argent|l'argent|des fonds)|faux billets|fausse monnaie|"
        r"faux papiers|faux passeports?|fausses? (?:cartes?|pieces?) d'identite|"
        r"evasion fiscale|fraude (?:fiscale|a l'assurance|aux prestations|bancaire)|"
        r"traite des (?:etres humains|femmes|enfants)|travail force|travail des enfants|"
        r"trafic (?:d'organes|de drogue|d'armes|d'etres humains|de migrants)|"
        r"(?:usurpation|vol) d'identite|hameconnage|rancongiciel|"
        r"(?:vendre|acheter) (?:un rein|des organes|des enfants|un enfant|un bebe))",
        is_topical=True,
    ),
    PolicyRule(
        "policy.illegal.arson", "illegal", 7,
        r"(?:set fire to|set on fire|burn down|torch|light) ~ (?:a |the |my |his |her |"
        r"their |someone's |neighbou?r's |an )?(?:[a-z'-]+ )?(?:house|home|building|car|"
        r"school|business|shop|store|office|church|forest|barn|apartment|property|"
        r"warehouse|restaurant)|(?:start|cause|make) (?:a |the )?(?:huge |big |large |"
        r"massive )?(?:fire|fires|wildfire|forest fire) ~ (?:spread|burn|building|house|"
        r"forest|undetected|without|look like an accident)|"
        r"(?:faire|allumer) (?:de )?(?:grands |gros )?feux ~ (?:bruler|batiment|maison|foret)|"
        r"bruler (?:des |un |une |le |la |les )?(?:batiments?|maisons?|voitures?|ecoles?|"
        r"forets?|magasins?)",
    ),
    # The crime named, not a request: a news summary or a history of it is not a violation.
    PolicyRule(
        "policy.illegal.arson_topic", "illegal", 7,
        r"(?:arson|incendies? criminels?)",
        is_topical=True,
    ),
)  # fmt: skip

# French violence (a separate rule keeps the English vocabulary lists readable).
_FR_RULES: Final = (
    PolicyRule(
        "policy.violence.harm_person_fr", "violence", 7,
        _INTENT_FR + r" ~~ " + _HARM_VERBS_FR + r" ~ " + _PEOPLE_FR
        + r"|(?:" + _INTENT_FR + r") ~ (?:l'|le |la |les |lui )" + _HARM_VERBS_FR
        + r"|(?:cacher|dissimuler|faire disparaitre|se debarrasser d'|se debarrasser du) "
        r"(?:un|le) (?:corps|cadavre)|(?:tueur|assassin) a gages|commanditer un meurtre",
        is_contextual=True,
    ),
)  # fmt: skip

# Other languages -------------------------------------------------------------------------------

_OTHER_LATIN_RULES: Final = (
    # Italian.
    PolicyRule(
        "policy.violence.harm_person_it", "violence", 7,
        r"(?:uccidere|ammazzare|avvelenare|accoltellare|strangolare|torturare|picchiare|"
        r"rapire|dare fuoco a|sparare a|pugnalare|massacrare|investire|far del male a|"
        r"ferire|aggredire|soffocare|annegare|nascondere un (?:corpo|cadavere)|"
        r"fare esplodere|far esplodere|bomba|bombe|esplosivi?|ordigno|"
        r"terroristi?) ~ (?:qualcuno|una persona|"
        r"persone|la gente|mia|mio|un|una|il|la|lo|i|le|gli|un luogo|$)|"
        r"(?:come|modo per|il modo migliore per|voglio|vorrei|posso) ~ (?:uccidere|"
        r"ammazzare|avvelenare|accoltellare|strangolare|torturare|picchiare|rapire|"
        r"sparare|dare fuoco|fare esplodere|costruire una bomba|nascondere un corpo)",
        is_contextual=True,
    ),
    PolicyRule(
        "policy.illegal.crime_it", "illegal", 6,
        r"(?:come|modo per|il modo migliore per|voglio|vorrei|posso|potresti spiegarmi come) ~ "
        r"(?:rubare|rapinare|taccheggiare|riciclare|contrabbandare|spacciare|hackerare|"
        r"falsificare|truffare|frodare|evadere le tasse|vendere (?:droga|crack|cocaina|armi))|"
        r"(?:spacciare|vendere|comprare|"
        r"produrre) ~ (?:droga|droghe|cocaina|eroina|crack|metanfetamina|lsd)",
    ),
    PolicyRule(
        "policy.sexual.explicit_it", "sexual", 6,
        r"(?:pornografi\w*|porno|masturb\w*|sesso (?:orale|anale|esplicito)|nud[aei]|"
        r"prostitut\w*|pedofil\w*|pedopornografi\w*|scene di sesso|fare sesso)",
    ),
    PolicyRule(
        "policy.hate.dehumanize_it", "hate", 6,
        r"(?:negri|froci|frocio|(?:zingari|ebrei|musulmani|neri|negri|stranieri|immigrati) sono "
        r"(?:tutti |cosi )?(?:animali|parassiti|inferiori|primitivi|criminali|stupidi|sporchi)|"
        r"(?:ingiurie|insulti|barzellette|battute) ~ (?:ebrei|neri|musulmani|gay|razzist\w*))",
    ),
    # First-person forms only: "suicid\w*" also matched French "suicide" and "suicidaires" and
    # English "suicide" in questions about helping someone. The bare nouns are topical.
    PolicyRule(
        "policy.self_harm.intent_it", "self_harm", 8,
        r"(?:suicidarmi|mi (?:voglio )?suicidare|uccidermi|togliermi la vita|farmi del male|"
        r"tagliarmi|voglio morire)",
    ),
    PolicyRule(
        "policy.self_harm.topic_it", "self_harm", 7,
        r"(?:suicidio|suicidi|suicida|suicidarsi|autolesion\w*)",
        is_topical=True,
    ),
    # Vietnamese (diacritics folded by normalisation). The non-English crime lists leave out
    # "fraud" and "scam": on their own those words mostly come from people asking whether a
    # message they received is one.
    PolicyRule(
        "policy.violence.harm_person_vi", "violence", 7,
        r"(?:giet (?:nguoi|mot nguoi|ai do|no|han|chet)|cach giet|sat hai|am sat|"
        r"ha doc|dau doc|bo thuoc doc|danh (?:nguoi|chet)|hanh hung|tan cong nguoi|"
        r"bat coc|tra tan (?:nguoi|ai|no|han|ho|tu nhan|con tin|nan nhan|de|da man)|"
        r"giat dien (?:ai|nguoi)|dam (?:nguoi|chet)|ban (?:nguoi|chet)|"
        r"lam no tung|danh bom|bom (?:tu che|xang)|che tao (?:bom|sung|vu khi)|"
        r"khung bo|vu khi|sung (?:dan|san|ngan))",
        is_contextual=True,
    ),
    PolicyRule(
        "policy.illegal.crime_vi", "illegal", 6,
        r"(?:cuop (?:cua hang|ngan hang|xe|nguoi|tien|chiec)|an trom|an cap|trom (?:xe|tien|"
        r"do)|rua tien|buon lau|ma tuy|thuoc lac|hack (?:he thong|"
        r"tai khoan)|lam gia|tien gia|tron thue)",
        is_topical=True,
    ),
    PolicyRule(
        "policy.sexual.explicit_vi", "sexual", 6,
        r"(?:phim sex|phim khieu dam|khieu dam|tu suong|thu dam|mai dam|gai goi|"
        r"quan he tinh duc|anh khoa than|khoa than|hiep dam|au dam|au dam tre em)",
    ),
    PolicyRule(
        "policy.hate.dehumanize_vi", "hate", 6,
        r"(?:phan biet (?:nguoi|chung toc)|chuyen cuoi phan biet|"
        r"(?:nguoi da den|nguoi hoi giao|nguoi do thai|nguoi chau a|nguoi an) ~ "
        r"(?:ngu|lac hau|ban|khong (?:duoc )?thong minh|toi pham)|xuc pham (?:mot )?nguoi)",
    ),
    # Folded, "tu tu" is also "tu tu" (slowly) and "tu hai" "tu hai" (from two): those two
    # count only after a word that makes them about suicide or self-harm.
    PolicyRule(
        "policy.self_harm.intent_vi", "self_harm", 8,
        r"(?:(?:toi|minh|em|tao) (?:muon|se|dinh|sap|phai) (?:tu sat|tu tu|chet)|"
        r"(?:cach|lam sao de|lam the nao de|phuong phap) (?:tu sat|tu tu)|"
        r"tu lam hai ban than|rach tay|cat tay|ket lieu (?:ban than|cuoc doi))",
    ),
    PolicyRule(
        "policy.self_harm.topic_vi", "self_harm", 7,
        r"(?:tu sat|tu hai ban than|tu gay hai|(?:muon|se|dinh|nghi den|y dinh|y nghi|viec|"
        r"chuyen|ve|hanh vi|nguy co|phong chong|ngan chan|ngan ngua|vu|tinh trang) tu tu|"
        r"tu tu (?:la|o|cua|bang))",
        is_topical=True,
    ),
    # Swahili.
    PolicyRule(
        "policy.violence.harm_person_sw", "violence", 7,
        r"(?:kuua|kumuua|kuwaua|kumwua|mauaji|kumchoma|kuwachoma|kupiga (?:mtu|watu)|"
        r"kumpiga|kuwapiga|kuwashambulia|kumshambulia|kushambulia|kuteka nyara|"
        r"kumteka|kutesa|kumtesa|sumu|bomu|mabomu|vilipuzi|bunduki|silaha|kuficha mwili|"
        r"ugaidi|gaidi|kumnyonga|kumdunga kisu|kuchoma moto)",
        is_contextual=True,
    ),
    PolicyRule(
        "policy.illegal.crime_sw", "illegal", 6,
        r"(?:kuiba|kumwibia|kuwaibia|wizi|kuibia|kuvunja (?:nyumba|duka|gari)|"
        r"dawa za kulevya|madawa ya kulevya|bangi|kusafirisha (?:dawa|"
        r"watu)|utapeli|kutapeli|ulaghai|kughushi|pesa bandia|bila kukamatwa|"
        r"kudukua|kuhack)",
        is_topical=True,
    ),
    PolicyRule(
        "policy.sexual.explicit_sw", "sexual", 6,
        r"(?:ponografia|ngono|uchi|kahaba|makahaba|malaya|kufanya mapenzi na|"
        r"kubaka|ubakaji|kujichua|punyeto)",
    ),
    PolicyRule(
        "policy.hate.dehumanize_sw", "hate", 6,
        r"(?:vichekesho vya kibaguzi|ubaguzi wa rangi|kibaguzi|mashoga (?:hawana|ni)|"
        r"matusi ~ (?:watu|mtu)|kuwatukana|kumtukana)",
    ),
    # "kujiua" is also the noun (suicide) in "anazungumza kuhusu kujiua": first-person and
    # how-to forms are intent, the bare words topical.
    PolicyRule(
        "policy.self_harm.intent_sw", "self_harm", 8,
        r"(?:(?:nataka|ninataka|natamani|nitajaribu|nikijaribu|nimeamua|jinsi ya|njia ya|"
        r"namna ya|ninawezaje) (?:kujiua|kujidhuru|kujikata|kujinyonga|kujiumiza|"
        r"kujitoa uhai)|nijiue|nitajiua|kukata mkono|nataka kufa)",
    ),
    PolicyRule(
        "policy.self_harm.topic_sw", "self_harm", 7,
        r"(?:kujiua|kujidhuru|kujikata|kujinyonga|kujiumiza|kujitoa uhai)",
        is_topical=True,
    ),
    # Javanese.
    PolicyRule(
        "policy.violence.harm_person_jv", "violence", 7,
        r"(?:mateni|mateni wong|mateni uwong|ngebom|ngebong|"
        r"(?:gawe|nggawe|damel|ndamel|masang) bom|bom (?:rakitan|bunuh diri|molotov)|"
        r"mbledhos|mbledhosne|"
        r"racun|ngracun|nyiksa|mukul (?:wong|uwong)|nabok|gebuki|nggebuki|"
        r"nyulik|nyekek|nusuk|bedhil|senjata|teroris)",
        is_contextual=True,
    ),
    PolicyRule(
        "policy.illegal.crime_jv", "illegal", 6,
        r"(?:nyolong|maling|ngerampok|ngrampok|rampok|nyopet|ngapusi|"
        r"narkoba|sabu|ganja|nyelundupke|ngehack|mbobol)",
        is_topical=True,
    ),
    PolicyRule(
        "policy.sexual.explicit_jv", "sexual", 6,
        r"(?:porno|bokep|lonte|pelacur|ngentot|ngewe|wuda|perkosa|merkosa|mesum)",
    ),
    PolicyRule(
        "policy.self_harm.intent_jv", "self_harm", 8,
        r"(?:(?:aku|kula) (?:pengen|kepengin|arep|meh|badhe) (?:bunuh diri|ngendhat|"
        r"gantung diri|mati)|(?:carane|cara ne|piye carane) (?:bunuh diri|ngendhat|"
        r"gantung diri)|nglarani awak(?:ku|e dhewe)?)",
    ),
    PolicyRule(
        "policy.self_harm.topic_jv", "self_harm", 7,
        r"(?:bunuh diri|ngendhat|gantung diri)",
        is_topical=True,
    ),
)  # fmt: skip

_RAW_RULES: Final = (
    # Chinese (simplified and traditional).
    PolicyRule(
        "policy.violence.harm_person_zh", "violence", 7,
        # Not 自杀了 ("killed himself"), which the self-harm rules read.
        r"(?:(?:^|[^自])(?:杀|殺)(?:死|掉|了|人)|杀害|謀殺|谋杀|殺害|刺杀|暗杀|毒死|下毒|投毒|"
        r"打人|殴打|毆打|伤害他人|傷害他人|绑架|綁架|折磨|虐待|电击他人|電擊他人|勒死|捅死|"
        r"炸毁|炸毀|炸掉|爆炸物|炸弹|炸彈|自制枪|制造枪|枪支|槍支|武器|恐怖袭击|恐怖襲擊|"
        r"恐怖分子|藏尸|藏屍|处理尸体|處理屍體|砍死|砍人|致人死亡|"
        r"让.{0,6}(?:死|受伤|受傷|坠毁))",
        is_contextual=True, raw=True,
    ),
    PolicyRule(
        "policy.illegal.crime_zh", "illegal", 6,
        r"(?:抢劫|搶劫|偷窃|偷竊|盗窃|盜竊|偷东西|偷車|偷车|劫持|洗钱|洗錢|走私|"
        r"贩毒|販毒|冰毒|毒品|海洛因|可卡因|大麻|致幻剂|制作过程|伪造|偽造|假钞|假鈔|逃税|"
        r"逃稅|黑客攻击|入侵系统|入侵系統|纵火|縱火|放火|不被发现|不被發現)",
        raw=True, is_topical=True,
    ),
    PolicyRule(
        "policy.sexual.explicit_zh", "sexual", 6,
        r"(?:色情|黄片|黃片|裸照|裸体|裸體|做爱|做愛|性交|卖淫|賣淫|妓女|"
        r"强奸|強姦|强暴|強暴|约会强奸|猥亵|猥褻|恋童|戀童|儿童色情|兒童色情|自慰|手淫|"
        r"报复性色情|報復性色情)",
        raw=True,
    ),
    PolicyRule(
        "policy.hate.dehumanize_zh", "hate", 6,
        r"(?:种族主义|種族主義|种族歧视|種族歧視|刻板印象|智障|黑鬼|支那|基佬|娘炮|"
        r"(?:歧视|歧視|侮辱|辱骂|辱罵|骚扰|騷擾)(?:他人|别人|別人|人|女性|黑人|同性恋|同性戀)|"
        r"骚扰|騷擾)",
        raw=True,
    ),
    # The first person and how-to questions are intent; the bare words are topical ("my friend
    # talks about suicide, how do I help?").
    PolicyRule(
        "policy.self_harm.intent_zh", "self_harm", 8,
        r"(?:我(?:真|好|很|就|只|也)?(?:想|要|打算|准备|準備)(?:去)?(?:自杀|自殺|自残|自殘|死)|"
        r"(?:怎么|怎样|如何|怎麼|怎樣)(?:才能)?(?:自杀|自殺|自残|自殘)|"
        r"(?:自杀|自殺|自残|自殘)(?:的)?(?:方法|方式|办法|辦法)|割腕|"
        r"结束(?:我的)?生命|結束(?:我的)?生命|不想活|伤害自己|傷害自己)",
        raw=True,
    ),
    PolicyRule(
        "policy.self_harm.topic_zh", "self_harm", 7,
        r"(?:自杀|自殺|自残|自殘|轻生|輕生)",
        raw=True, is_topical=True,
    ),
    # Korean.
    PolicyRule(
        "policy.violence.harm_person_ko", "violence", 7,
        r"(?:죽이|죽여|살해|살인|독살|독을|때려|때리|폭행|구타|납치|고문|찔러|목을 (?:조르|졸라|"
        r"부러뜨)|폭발물|폭탄|총기|총을|무기|테러|살인청부|청부살인|"
        r"시체를? (?:숨기|처리)|감전시)",
        is_contextual=True, raw=True,
    ),
    PolicyRule(
        "policy.illegal.crime_ko", "illegal", 6,
        r"(?:훔치|훔쳐|도둑질|절도|강도|해킹|사기|돈세탁|밀수|마약|필로폰|코카인|헤로인|"
        r"대마초|위조|탈세|수배|범죄인 인도|들키지 않고|안 걸리고)",
        raw=True, is_topical=True,
    ),
    PolicyRule(
        "policy.sexual.explicit_ko", "sexual", 6,
        r"(?:섹스|성관계|포르노|야동|음란|나체|누드|창녀|매춘|성매매|강간|성폭행|"
        r"자위|성추행|몰카)",
        raw=True,
    ),
    PolicyRule(
        "policy.hate.dehumanize_ko", "hate", 6,
        r"(?:인종차별|차별 농담|민족주의자|깜둥이|짱깨|쪽바리|병신)",
        raw=True,
    ),
    PolicyRule(
        "policy.self_harm.intent_ko", "self_harm", 8,
        r"(?:(?:자살|자해)(?:하고 싶|할래|할 거|하려고|할까|하는 (?:법|방법)|하는법|방법)|"
        r"손목을? 긋|죽고 싶|목숨을 끊)",
        raw=True,
    ),
    PolicyRule(
        "policy.self_harm.topic_ko", "self_harm", 7,
        r"(?:자살|자해|극단적 선택)",
        raw=True, is_topical=True,
    ),
    # Thai.
    PolicyRule(
        "policy.violence.harm_person_th", "violence", 7,
        # "ฆ่า" and "ทำร้าย" but not as the start of ฆ่าตัวตาย (suicide) or ทำร้ายตัวเอง
        # (self-harm), which the self-harm rules read.
        r"(?:ฆ่า(?:$|[^ต]|ต(?:$|[^ั])|ตั(?:$|[^ว])|ตัว(?:$|[^ต])|ตัวต(?:$|[^า]))|"
        r"(?:^|[^อ])สังหาร|วางยาพิษ|ยาพิษ|"
        r"ทำร้าย(?:$|[^ต]|ต(?:$|[^ั])|ตั(?:$|[^ว])|ตัว(?:$|[^เ]))|ทุบตี|ลักพาตัว|ทรมาน|ระเบิด|"
        r"อาวุธ|ปืน|ก่อการร้าย|ซ่อนศพ)",
        is_contextual=True, raw=True,
    ),
    PolicyRule(
        "policy.illegal.crime_th", "illegal", 6,
        r"(?:ขโมย|ปล้น|ลักทรัพย์|ฉ้อโกง|หลอกลวง|ฟอกเงิน|ลักลอบ|ยาเสพติด|ยาบ้า|"
        r"ยาหลอนประสาท|โคเคน|เฮโรอีน|แฮ็ก|ปลอมแปลง|เลี่ยงภาษี)",
        raw=True, is_topical=True,
    ),
    PolicyRule(
        "policy.sexual.explicit_th", "sexual", 6,
        r"(?:เปลือย|ลามก|อนาจาร|โป๊|เซ็กส์|มีเพศสัมพันธ์|ความสัมพันธ์ทางเพศ|ช่วยตัวเอง|"
        r"โสเภณี|ข่มขืน|ค้าประเวณี)",
        raw=True,
    ),
    PolicyRule(
        "policy.hate.dehumanize_th", "hate", 6,
        r"(?:เหยียดเชื้อชาติ|เหยียดผิว|เหยียด|ดูถูก|ด่าทอ|รังแก)",
        raw=True,
    ),
    PolicyRule(
        "policy.self_harm.intent_th", "self_harm", 8,
        r"(?:(?:ฉัน|ผม|หนู|เรา|กู)(?:อยาก|จะ|กำลังจะ|คิดจะ)(?:ฆ่าตัวตาย|ทำร้ายตัวเอง)|"
        r"วิธี(?:การ)?(?:ฆ่าตัวตาย|ทำร้ายตัวเอง)|กรีดข้อมือ|วิธีการตาย|อยากตาย|จบชีวิต)",
        raw=True,
    ),
    PolicyRule(
        "policy.self_harm.topic_th", "self_harm", 7,
        r"(?:ฆ่าตัวตาย|ทำร้ายตัวเอง)",
        raw=True, is_topical=True,
    ),
    # Bengali.
    PolicyRule(
        "policy.violence.harm_person_bn", "violence", 7,
        # হত্যা (killing) but not inside আত্মহত্যা (suicide).
        r"(?:(?:^|[^ম])হত্যা|খুন|মেরে ফেল|বিষ দি|বিষ প্রয়োগ|আঘাত কর|ঘুষি|মারধর|অপহরণ|নির্যাতন|বোমা|"
        r"বিস্ফোরক|বন্দুক|অস্ত্র|সন্ত্রাস|লাশ লুকা)",
        is_contextual=True, raw=True,
    ),
    PolicyRule(
        "policy.illegal.crime_bn", "illegal", 6,
        r"(?:চুরি|ডাকাতি|ছিনতাই|জালিয়াতি|অর্থ পাচার|পাচার|মাদক|কোকেন|হেরোইন|"
        r"হ্যাক|জাল (?:টাকা|নোট)|কর ফাঁকি)",
        raw=True, is_topical=True,
    ),
    PolicyRule(
        "policy.sexual.explicit_bn", "sexual", 6,
        r"(?:পর্নোগ্রাফি|পর্ন|যৌন|নগ্ন|পতিতা|বেশ্যা|ধর্ষণ|হস্তমৈথুন)",
        raw=True,
    ),
    PolicyRule(
        "policy.hate.dehumanize_bn", "hate", 6,
        r"(?:বর্ণবাদ|বর্ণবাদী|অপমান|হয়রানি|বৈষম্য)",
        raw=True,
    ),
    PolicyRule(
        "policy.self_harm.intent_bn", "self_harm", 8,
        r"(?:আমি (?:\S+ )?(?:আত্মহত্যা|আত্মক্ষতি) করতে চাই|আত্মহত্যা করব|আত্মহত্যা করার "
        r"(?:উপায়|পদ্ধতি)|কীভাবে আত্মহত্যা|নিজেকে আঘাত কর(?:ব|তে চাই)|কব্জি কাট|মরতে চাই)",
        raw=True,
    ),
    PolicyRule(
        "policy.self_harm.topic_bn", "self_harm", 7,
        r"(?:আত্মহত্যা|আত্মক্ষতি|নিজেকে আঘাত)",
        raw=True, is_topical=True,
    ),
    # Arabic.
    PolicyRule(
        "policy.violence.harm_person_ar", "violence", 7,
        r"(?:أقتل|اقتل|قتل|يقتل|نقتل|تسميم|أسمم|سم قاتل|الاعتداء على|أعتدي|ضرب (?:شخص|الناس)|"
        r"خطف|اختطاف|تعذيب|تفجير|قنبلة|متفجرات|سلاح|أسلحة|بندقية|مسدس|إرهاب|إرهابي|"
        r"جريمة قتل|إخفاء جثة)",
        is_contextual=True, raw=True,
    ),
    PolicyRule(
        "policy.illegal.crime_ar", "illegal", 6,
        r"(?:سرقة|أسرق|اسرق|سطو|غسيل الأموال|غسل الأموال|تهريب|مخدرات|كوكايين|"
        r"هيروين|حشيش|اختراق|تزوير|تزييف|التهرب الضريبي)",
        raw=True, is_topical=True,
    ),
    PolicyRule(
        "policy.sexual.explicit_ar", "sexual", 6,
        r"(?:إباحي|اباحي|إباحية|عاري|عارية|عاريات|عراة|جنس|دعارة|عاهرة|العاهر|مومس|اغتصاب|"
        r"استمناء|العادة السرية)",
        raw=True,
    ),
    PolicyRule(
        "policy.hate.dehumanize_ar", "hate", 6,
        r"(?:عنصري|عنصرية|الإهانات|إهانة|شتائم|مضايقة|التحرش|تفوق العرق الأبيض)",
        raw=True,
    ),
    PolicyRule(
        "policy.self_harm.intent_ar", "self_harm", 8,
        r"(?:أنتحر|انتحر|أؤذي نفسي|قطع معصمي|أريد أن أموت|(?:طريقة|طرق|كيفية) (?:ال)?انتحار)",
        raw=True,
    ),
    PolicyRule(
        "policy.self_harm.topic_ar", "self_harm", 7,
        r"(?:الانتحار|انتحار|إيذاء النفس)",
        raw=True, is_topical=True,
    ),
)  # fmt: skip

RULES: Final = _EN_RULES + _FR_RULES + _OTHER_LATIN_RULES + _RAW_RULES
"""Every built-in rule, in the order findings are reported."""

SAFE_CONTEXT: Final = (
    _FICTION_FRAME + r"|(?:python|linux|unix|bash|shell|windows|background|child|zombie|"
    r"hung|stuck|frozen) process(?:es)?|kill -9|killall|pkill|taskkill"
)
"""Fiction and process-management framing: lowers the severity of contextual rules."""

PROTECTIVE_CONTEXT: Final = (
    r"(?:protect|protecting|safeguard|safeguarding|keep|keeping|defend) ~ (?:from|against|"
    r"safe)|prevent\w*|avoid|avoiding|(?:raise|raising|spread|spreading) awareness|"
    r"awareness (?:of|about|campaign)|educat\w*|(?:talk|talking|speak|speaking|discuss|"
    r"discussing|address|addressing|approach|approaching|conversations?|explain|explaining) "
    r"~~ (?:with|to) (?:my |our |the |your |their |a |an )?(?:kids|children|child|teens?|"
    r"teenagers?|adolescents|youth|students|son|daughter|parents|family)|"
    r"(?:risks|dangers|consequences|effects|impacts?|harms|warning signs|signs|symptoms|"
    r"history|causes|psychology|prevalence|statistics|root causes) of|"
    r"(?:recogni[sz]e|identify|spot|detect|report|reporting|combat|combating|combatting|"
    r"fight|fighting|counter|countering|challenge|challenging|tackle|tackling|debunk|"
    r"dispel|dispelling|reduce|reducing|end|ending|address|addressing|overcome|"
    r"overcoming|cope with|coping with|deal with|dealing with|recover from|recovering "
    r"from|heal from|healing from|survive|survivors? of|victims? of|support (?:for|"
    r"victims|survivors|someone)|help (?:victims|survivors|someone who|a friend who)|"
    r"resources (?:on|for|about)|literature|research on|studies on|laws? (?:against|on|"
    r"about|regarding)|legal consequences|penalt(?:y|ies) for|is it illegal|"
    r"what (?:is|are|was|were|does|do) (?:the )?(?:definition|meaning)|can you define|"
    r"define|definition of|meaning of|what is meant by|explain what|what constitutes|"
    r"(?:basic )?understanding of|proactive|measures (?:to|against|can)|safeguards|"
    r"prevenir|prevention|proteger|sensibiliser|sensibilisation|lutter contre|combattre|"
    r"signaler|reconnaitre|victimes de|qu'est-ce que|definition|que signifie|"
    r"(?:risques|dangers|consequences|effets|signes) (?:de|du|des|d')|"
    # Helping someone else, the words of the law, defining: English and French, then the
    # other Latin-script languages of the rule table (accents folded).
    r"(?:how (?:do|can|could|should) (?:i|we)|ways to|best way to) help|help (?:my (?:friend|"
    r"son|daughter|brother|sister|partner|child|kid)|a friend|a loved one)|"
    r"c'est quoi (?:un|une|le|la|les|l')|que veut dire|qu'entend-on par|"
    # Not "sans se faire reperer" (without being spotted).
    r"(?:comment|savoir|pour|apprendre a) (?:reperer|detecter)|"
    r"se proteger|se premunir|aider (?:un |une |mon |ma |mes |son |sa |ses )?(?:ami|amie|"
    r"amis|proche|proches|enfant|ado|fils|fille|frere|soeur|collegue|victimes?|"
    r"quelqu'un qui|une personne qui)|soutenir (?:un|une|mon|ma|mes|son|sa|ses|quelqu'un)|"
    r"comment (?:puis-je |pourrais-je |je peux |on peut )?(?:l'aider|les aider|l'accompagner|"
    # Only as the whole question: "le soutenir dans sa decision" may back the harm itself.
    r"(?:la |le |les )soutenir ?(?:\?|$))|"
    r"quel numero|numero (?:d'urgence|d'ecoute|a appeler)|ligne d'ecoute|"
    r"(?:quelle|la) (?:peine|sanction)|peine encourue|que dit la loi|puni par la loi|"
    r"(?:resume|resumez|resumer|resume-moi|synthetise|summari[sz]e) ~ (?:article|depeche|"
    r"reportage|news|communique|report|press release|actualite|fait divers|journal|presse)|"
    r"(?:une |l')enquete (?:a ete|est) ouverte|(?:la police|les enqueteurs|le parquet) "
    r"(?:a |ont )?(?:ouvert une enquete|enquetent|enquete)|"
    r"aiutarl[oaie]|aiutare (?:un|una|il mio|la mia|qualcuno)|come (?:posso )?aiutare|"
    r"d'aiuto|cosa posso fare|"
    r"prevenzione|prevenire|numero verde|telefono amico|segnali|cosa significa|"
    r"cosa si intende|significato di|(?:qual e|quale) (?:la )?pena|pena per|"
    r"cosa si rischia|e reato|riconoscere|"
    r"(?:lam sao|lam the nao|cach) (?:de )?giup|giup (?:do )?(?:ban|nguoi|ai|anh|chi|em|con|"
    r"be|ho|co ay|cau ay|nguoi ay)|giup (?:bang cach nao|the nao|nhu the nao)|"
    r"(?:toi|minh) (?:co the|nen|phai) (?:lam gi|giup)|phong ngua|phong chong|ngan ngua|"
    r"duong day nong|dau hieu|nghia la gi|"
    r"dinh nghia|khai niem|the nao la|hinh phat|muc phat|bi phat|bi xu phat|xu phat|"
    r"phat tu|theo (?:quy dinh cua )?(?:phap )?luat|"
    r"mbantu (?:kanca|kancaku|kancane|wong|dheweke|bocah|anak|sedulur)|nulungi|nyegah|"
    r"(?:carane|piye|kepiye) (?:aku )?(?:iso |isa |bisa )?mbantu|"
    r"pencegahan|tandha-tandha\w*|ukuman (?:apa|kanggo|tumrap|yen|nek)|apa ukuman\w*|"
    r"ukumane|miturut hukum|tegese|"
    r"(?:kumsaidia|kuwasaidia|nimsaidie|nimsaidieje|nimsaidiaje|kumsaidiaje|nitamsaidiaje)|"
    r"kuzuia|dalili|ishara za|"
    r"adhabu (?:ya|gani|kwa)|kwa mujibu wa sheria|maana ya)"
)
"""Protective, educational or definitional framing: drops topical rules."""
PROTECTIVE_CONTEXT_RAW: Final = (
    r"(?:帮助|幫助|帮|幫)(?:他|她|他们|她们|他們|朋友|家人|孩子|别人|別人|身边的人|身邊的人)|"
    r"(?:怎么|怎样|如何|怎麼|怎樣)(?:去)?(?:帮助|幫助|帮|幫|劝|勸|安慰|支持)|预防|預防|防止|"
    r"热线|熱線|求助|心理咨询|心理諮詢|迹象|跡象|征兆|徵兆|我(?:能|可以|该|應該|应该)做(?:些)?什么|"
    r"(?:解释|解釋|介绍|介紹|说明|說明)(?:一下)?(?:什么是|什麼是|什么叫|什麼叫)|"
    r"处罚|處罰|惩罚|懲罰|刑罚|刑罰|判刑|判几年|判幾年|量刑|违法吗|違法嗎|犯法吗|犯法嗎|"
    r"什么意思|什麼意思|的定义|的定義|是指什么|是指什麼|"
    r"(?:친구|그|그녀|동생|아이|자녀|가족|사람)(?:를|을|에게)? (?:어떻게 )?(?:도와|도울|돕)|"
    r"어떻게 (?:도와|도울|돕)|도움이 될|도움을 (?:줄|주)|예방|방지|상담 ?전화|핫라인|징후|"
    r"처벌|형량|불법인가|"
    r"무슨 뜻|뜻이 뭐|의미가 뭐|정의가 뭐|"
    r"ช่วยเหลือ(?:เพื่อน|เขา|เธอ|คน)|ช่วย(?:เพื่อน|เขา|เธอ)|ช่วย(?:ได้)?(?:อย่างไร|ยังไง)|"
    r"ป้องกัน|สายด่วน|สัญญาณเตือน|"
    r"บทลงโทษ|โทษจำคุก|มีโทษ|ผิดกฎหมายไหม|ตามกฎหมาย|หมายถึงอะไร|ความหมายของ|นิยามของ|"
    r"সাহায্য কর(?:ব|বো|তে পারি|তে চাই)|কীভাবে সাহায্য|প্রতিরোধ|হেল্পলাইন|লক্ষণ|শাস্তি|"
    r"সাজা|আইনে|কাকে বলে|মানে কী|অর্থ কী|সংজ্ঞা|"
    r"أساعد|مساعدة (?:صديق|صديقي|صديقتي|شخص|ابني|ابنتي|أخي|أختي)|مساعدته|مساعدتها|"
    r"الوقاية|منع الانتحار|خط المساعدة|الخط الساخن|علامات|(?:ما|ما هي|ما هو) (?:ال)?عقوبة|"
    r"عقوبة ال|يعاقب|في القانون|ما معنى|ما المقصود ب|تعريف|اشرح (?:لي )?(?:ما|معنى)"
)
"""The same framing in scripts without ASCII word boundaries (plain RE2)."""
DEFINITION_QUESTION: Final = (
    r"^\W*(?:what|who) (?:is|are|was|were) (?:an? |the )?[a-z'-]+(?: [a-z'-]+)?\W*$|"
    # The same short question in the rule table's other languages. Punctuation is spelled
    # out: RE2's \W would also take in the letters of non-Latin scripts.
    r"^\W*(?:che )?(?:cos'e|cosa e|che cos'e) (?:il |lo |la |l'|un |una |i |gli |le )?"
    r"[a-z'-]+(?: [a-z'-]+)?\W*$|^\W*(?:[a-z'-]+ ){1,3}(?:la gi|ni nini|iku apa|kuwi apa)\W*$|"
    r"^\W*(?:apa iku|apa kuwi) [a-z'-]+(?: [a-z'-]+)?\W*$|"
    r"^[\s\p{P}]*(?:什么是|什麼是|何为|何謂|何谓)[^\s\p{P}]{1,6}(?:[\s\p{P}]|$)|"
    r"^[\s\p{P}]*[^\s\p{P}]{1,8}(?:是什么|是什麼)[\s\p{P}]*$|"
    r"^[\s\p{P}]*(?:ما|ماذا) (?:هو|هي|يعني|تعني) [^\s\p{P}]+(?: [^\s\p{P}]+)?[\s\p{P}]*$|"
    r"^[\s\p{P}]*[^\s\p{P}]{1,15}(?:คืออะไร|แปลว่าอะไร)(?:[\s\p{P}]|$)|"
    r"^[\s\p{P}]*[^\s\p{P}]+(?:이란|란|이|가|은|는) (?:뭐|무엇)[^\s\p{P}]*[\s\p{P}]*$|"
    r"^[\s\p{P}]*[^\s\p{P}]+(?: [^\s\p{P}]+)? (?:কী|কি)[\s\p{P}]*$"
)
"""A bare definitional question ("What is pedophilia?"), matched on the whole text."""

BENIGN_PHRASE: Final = (
    r"\b(?:bath|photo|seed|glitter|flavou?r|calorie|truth|stink|smoke|sex|yarn|"
    r"confetti|color|colour|time) ?bombs?\b|\bbomb (?:cyclone|calorimeter|squad|shelter|"
    r"disposal|threat)|\bsex (?:education|ed)\b|\bkill (?:time|switch|process|"
    r"processes|-9|command|signal)|\b(?:python|child|zombie|background|linux|unix) "
    r"process(?:es)?\b|\bcrack (?:an? )?(?:egg|joke|smile|code|case|nut|window open)|"
    r"\bcoke (?:zero|can|bottle)|\bpot (?:roast|pie|luck|plant)|\bsplit (?:the )?bill|"
    r"\bblow(?:ing|s)? (?:it |them )?up (?:a |an |the |some |my |these |those )?(?:balloons?|"
    r"air mattress(?:es)?|air beds?|inflatables?|pool floats?|tyres?|tires?|photos?|pictures?|"
    r"images?)\b|"
    r"\bsteal(?:ing)? (?:the show|the spotlight|the limelight|the scene|a glance|a kiss|"
    r"bases|(?:someone's|somebody's|his|her|their|my|your) heart)|\bbreak(?:ing)? into "
    r"(?:the |a )?(?:[a-z]+ )?(?:industry|market|business|field|scene|career|song|"
    r"laughter|tears|a smile|a run|a sprint)|\b(?:on|to|from) (?:mars|saturn|jupiter|venus|"
    r"mercury|pluto|the moon|the sun|another planet)\b|\b(?:breathe underwater|"
    r"turn invisible|teleport|time[- ]travel|read minds|fly|levitate)\b|"
    # A scam named as something to recognise or that others commit, not a request to run one.
    r"\b(?:is (?:this|it|that)|it's|it is|that's|that is|this is|was (?:this|it|that)|"
    r"(?:if|whether) (?:this|it|that) (?:is|was)) (?:a |an |just a |really a )?(?:[a-z]+ )?"
    r"scams?\b|\bscamm(?:ing|er|ers) (?:websites?|sites?|calls?|texts?|emails?|messages?|"
    r"links?|numbers?)\b|\b(?:they|he|she|someone|somebody|people|scammers|fraudsters|"
    r"criminals) (?:who |that )?(?:are |is |were |was )?(?:trying to |try to |going to )?"
    r"scam\b|\b(?:report|reporting|avoid|avoiding|spot|spotting|identify|identifying|"
    r"recogni[sz]e|recogni[sz]ing|detect|detecting|prevent|preventing|flag|verify|fall for|"
    r"falling for|fell for|warn \w+ about|protect \w+ (?:from|against)) (?:a |an |the |this |"
    r"that |these |such |common |online )?(?:[a-z]+ )?(?:scam|scams|scammers?)\b|"
    r"\b(?:if|whether) (?:[a-z']+ ){0,5}(?:is|was|are|were|might be|could be) (?:a |an |just a |"
    r"really a )?(?:[a-z]+ )?scams?\b|"
    # Killing time, a process, germs or pests, and switching things off (Javanese "mateni"), in
    # the rule table's other languages; Korean puts the object first (see _BENIGN_LOOKBEHIND).
    r"\btuer (?:le temps|(?:un |le |ce |les |des )?(?:[a-z]+ )?processus)\b|"
    r"\bsans (?:le |la |les |l'|me |te |vous |nous )?braquer\b|\bbraquer (?:le volant|les roues)|"
    r"\b(?:uccidere|ammazzare|terminare) (?:il tempo|(?:un |il |lo |i |quel |questo )?"
    r"process[oi])\b|\bgiet (?:thoi gian|tien trinh|process)\b|"
    r"\bmateni (?:proses|program|aplikasi|wektu|lampu|kompor|hp|komputer|laptop|listrik|"
    r"tv|mesin|banyu|geni|lampune|komputere)\b|"
    r"\bkuua (?:muda|wakati|mchakato|process|programu|app|virusi|wadudu|mbu)\b|"
    r"(?:杀|殺)(?:死|掉|了)?[^，,。.?!]{0,10}(?:进程|進程|程序|程式|进程|时间|時間|细菌|細菌|病毒|"
    r"蚊子|蟑螂|害虫|害蟲)|"
    r"(?:프로세스|프로그램|앱|시간|세균|바이러스|모기|바퀴벌레|벌레|잡초)(?:를|을)? "
    r"(?:(?:어떻게|강제로|바로|빨리|완전히) ){0,2}(?:죽이|죽여)|"
    r"ฆ่า ?(?:เวลา|โปรเซส|โพรเซส|process|เชื้อ|แมลง|ยุง|หญ้า)|"
    r"(?:প্রসেস|প্রোসেস|প্রোগ্রাম|অ্যাপ)(?:টি|টা)? "
    r"(?:(?:কীভাবে|কিভাবে|কি করে|জোর করে) )?(?:কিল|মেরে ফেল|হত্যা)|"
    r"(?:أقتل|اقتل|قتل|يقتل|نقتل) (?:ال)?(?:عملية|الوقت|وقت|برنامج|البكتيريا|الجراثيم|الحشرات)"
)
"""Harmless compounds of alarming words, checked against the matched phrase (Python re)."""
