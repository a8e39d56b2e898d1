"""Restriction cues: the words a system prompt uses to forbid, to keep secret and to limit scope.

Four tables map a language code to cue phrases:

* ``PROHIBITION_CUES``: a prohibition or limit ("never", "do not", "avoid", "is not allowed").
* ``SECRET_THING_CUES``: a protected thing or kind of data ("secret", "password", "personal data").
* ``DISCLOSURE_CUES``: telling or leaking ("reveal", "to anyone", "keep it secret"), and the
  instructions themselves ("system prompt", "hidden instructions").
* ``ONLY_CUES``: a limited scope ("only", "solely", "stick to").

``SECRECY_CUES`` joins the second and third, things first: something kept secret or protected.

Every entry is NFKC-normalised and casefolded, like the text it is looked for in. Matching:

* Languages written with spaces (all but ``ja``, ``zh`` and ``th``): a cue must begin at a word
  start (the text start, or after a character that is not a letter, mark or digit) and may end
  inside a word, so a stem such as ``"verbot"`` also finds "verboten". Short negations that are
  common outside instructions appear only inside two-word cues ("no reveles", "не обсуждай").
* ``ja``, ``zh`` and ``th``: a cue is a plain substring.

Entries with an ASCII apostrophe also come with a typographic one (``don't`` and ``don’t``);
Turkish entries starting with ``i`` also come in the form a sentence-initial capital ``İ``
casefolds to; Arabic two-word negations also come with the conjunction ``و`` written on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

LANGUAGES: Final = (
    "en", "ar", "bn", "de", "es", "fr", "hi", "id", "it",
    "ja", "ko", "pt", "ru", "th", "tl", "tr", "vi", "zh",
)  # fmt: skip
"""The languages every table covers."""

UNSPACED_LANGUAGES: Final = frozenset({"ja", "zh", "th"})
"""Languages whose cues are plain substrings; the rest match at a word start."""


def _variants(lang: str, cues: Iterable[str]) -> tuple[str, ...]:
    """The cues plus their spelling variants, in order and without repeats."""
    out: dict[str, None] = {}
    for cue in cues:
        forms = [cue]
        if "'" in cue:
            forms.append(cue.replace("'", "\u2019"))
        if lang == "tr" and cue.startswith("i"):
            forms.append("i\u0307" + cue[1:])  # "İ".casefold()
        if lang == "ar" and cue.startswith(("لا ", "لن ")):
            forms.extend(("و" + cue, "ف" + cue))  # "and not", "so not"
        for form in forms:
            out[form] = None
    return tuple(out)


# fmt: off
_PROHIBITION: Final[dict[str, tuple[str, ...]]] = {
    "en": (
        "never", "do not", "don't", "dont reveal", "dont share", "dont tell", "dont discuss",
        "dont talk", "dont mention", "dont give", "dont provide", "dont answer", "dont respond",
        "dont help", "dont ever", "dont disclose", "dont use", "dont write", "dont generate",
        "dont engage", "must not", "mustn't", "should not", "shouldn't", "shall not", "may not",
        "you will not", "you won't", "you cannot", "you can't", "you can not", "are not to ",
        "is not to be", "not allowed", "not permitted", "not authorized", "not authorised",
        "forbid", "prohibit", "banned", "refrain", "avoid", "no circumstance",
        "under any circumstance", "in no case", "in no event", "at no time", "in no way",
        "by no means", "on no account", "not under any", "not programmed to", "programmed never",
        "programmed not to", "stay away from", "keep away from", "steer clear", "off-limits",
        "off limits", "out of bounds", "refuse", "reject", "decline to", "decline any",
        "decline all", "decline requests", "politely decline", "at all costs", "strictly not",
        "not supposed to", "abstain", "out of scope", "outside the scope", "outside your scope",
        "outside of your scope", "beyond the scope", "beyond your scope", "restricted from",
        "taboo", "nor should", "nor may", "nor will", "instructed not to", "careful not to",
        "sure not to", "sure you never", "to no one", "to nobody", "with no one", "with nobody",
        "tell no one",
    ),
    "ar": (
        "لا تكشف", "لا تشارك", "لا تفصح", "لا تبح", "لا تبوح", "لا تخبر", "لا تقل", "لا تذكر",
        "لا تناقش", "لا تتحدث", "لا تتكلم", "لا تعط", "لا تقدم", "لا تساعد", "لا تجب", "لا تجيب",
        "لا ترد", "لا تكتب", "لا تنشئ", "لا تستخدم", "لا تفعل", "لا تقم", "لا تقوم", "لا تحاول",
        "لا تتطرق", "لا تتعامل", "لا تسرب", "لا تفش", "لا تشرح", "لا تعرض", "لا تظهر", "لا تنشر",
        "لا تخض", "لا تدخل", "لا تضف", "لا تخترع", "لا تغير", "لا تترجم", "لا تكرر", "لا تتجاهل",
        "لا تخرج", "لا تتبع", "لا تنفذ", "لا تنفّذ",
        "لا تطع", "لا تقبل", "لن تقوم", "لن تكشف", "يجب ألا", "يجب الا", "يجب أن لا",
        "يجب ان لا", "يجب عدم", "ينبغي ألا", "ينبغي عدم", "لا ينبغي", "لا يجب", "لا يجوز",
        "لا يمكنك", "على عدم", "بعدم", "يمنع", "يُمنع", "ممنوع", "محظور", "يحظر", "يُحظر",
        "غير مسموح", "لا يسمح", "لا يُسمح", "غير مصرح", "غير مأذون", "تجنب", "تجنّب", "وتجنب",
        "يجب تجنب", "تتجنب", "يتجنب", "اجتنب", "اجتناب", "امتنع", "الامتناع", "ارفض",
        "فارفض", "وارفض", "أبدا",
        "أبدًا", "ابدا", "ابدًا", "مطلقا", "مطلقًا", "تحت أي ظرف", "تحت اي ظرف", "بأي حال", "باي حال",
        "في أي حال", "بأي شكل من الأشكال", "بأي ثمن", "مهما كلف الأمر", "مهما كان الثمن",
        "ابتعد عن", "غير مبرمج", "لست مبرمج", "مبرمج على عدم", "خارج نطاق", "إياك", "اياك",
    ),
    "bn": (
        "করবেন না", "করবে না", "করো না", "কোরো না", "করিস না", "করবি না", "দেবেন না", "দিবেন না",
        "দিও না", "দিয়ো না", "দেবে না", "বলবেন না", "বলো না", "বোলো না", "বলবে না", "জানাবেন না",
        "দেখাবেন না", "লিখবেন না", "উচিত নয়", "উচিত না", "অনুমোদিত নয়", "অনুমতি নেই",
        "অনুমতি দেওয়া হয় না", "নিষেধ", "নিষিদ্ধ", "কখনো", "কখনও", "কোন অবস্থাতেই", "কোনো অবস্থাতেই",
        "কোন অবস্থায়", "কোনো অবস্থায়", "কোন পরিস্থিতিতে", "কোনো পরিস্থিতিতে", "কোনভাবেই", "কোনোভাবেই",
        "কোনো ভাবেই", "কোন ভাবেই", "এড়িয়ে", "এড়াতে", "এড়ানো", "বিরত থাক", "বিরত থেক", "প্রত্যাখ্যান",
        "দূরে থাকুন", "দূরে থাকবেন", "যেকোনো মূল্যে", "যে কোনো মূল্যে", "প্রোগ্রাম করা হয়নি", "করা যাবে না",
        "দেওয়া যাবে না", "বলা যাবে না", "পরিধির বাইরে", "পারবেন না", "পারবে না", "চলবে না",
    ),
    "de": (
        "nicht erlaubt", "nicht gestattet", "nicht zulässig", "nicht befugt", "nicht berechtigt",
        "nicht programmiert", "nicht preis", "nicht verraten", "nicht weitergeben", "nicht teilen",
        "nicht nennen", "nicht diskutieren", "nicht sprechen", "nicht antworten",
        "nicht beantworten", "nicht helfen", "nicht geben", "nicht erwähnen", "nicht offen",
        "gib nicht", "geben sie nicht", "sag nicht", "sagen sie nicht", "sprich nicht",
        "sprechen sie nicht", "hilf nicht", "helfen sie nicht", "teile nicht", "teilen sie nicht",
        "nenne nicht", "nennen sie nicht", "beantworte nicht", "beantworten sie nicht",
        "diskutiere nicht", "diskutieren sie nicht", "mach nicht", "mache nicht",
        "machen sie nicht", "schreib nicht", "schreibe nicht", "schreiben sie nicht", "niemals",
        "auf keinen fall", "auf gar keinen fall", "unter keinen umständen",
        "unter gar keinen umständen", "in keinem fall", "unter keiner bedingung",
        "zu keinem zeitpunkt", "kein", "verbot", "untersagt", "darfst nicht", "darfst du nicht",
        "darf nicht", "dürfen nicht", "dürfen sie nicht", "sollst nicht", "sollst du nicht",
        "solltest nicht", "sollte nicht", "sollten nicht", "sollten sie nicht", "sollen nicht",
        "vermeid", "unterlass", "verzichte", "lehne ab",
        "lehne höflich ab", "lehne freundlich ab", "lehnen sie ab", "ablehnen", "verweiger",
        "halte dich fern",
        "halten sie sich fern", "fernhalten", "tabu", "um jeden preis", "ausserhalb deines",
        "ausserhalb ihres", "nie ", "sie nicht", "nicht hinzufügen", "nicht erfinden",
        "nicht ändern", "nicht übersetzen", "nicht wiederholen", "nicht verlassen",
        "nicht befolgen", "nicht akzeptieren", "nicht ignorieren", "nicht einfügen",
        "nicht äussern", "nicht spekulieren", "nicht verwenden", "nicht benutzen", "nicht nutzen",
        "nicht ausgeben", "nicht anzeigen", "nicht zeigen", "nicht aufnehmen", "nicht tun",
        "nicht machen", "nicht schreiben", "nicht erstellen", "nicht generieren", "nicht liefern",
        "nicht bereitstellen", "nicht erklären", "nicht eingehen", "nicht behandeln",
        "nicht thematisieren", "lehne jede", "lehne alle", "lehne sie", "lehnen sie", "niemand",
    ),
    "es": (
        "no reve", "no compart", "no divulg", "no des ", "no dé ", "no dig", "no discut",
        "no hable", "no responda", "no conteste", "no proporcione", "no ayude", "no mencione",
        "no hag", "no genere", "no escriba", "no facilite", "no brinde", "no ofrezc", "no muestre",
        "no entregu", "no uses", "no use ", "no utilic", "no trates", "no trate ", "no aborde",
        "no cuente", "no expliqu", "no incluya", "no añada", "no agregue", "no invente", "no opine",
        "no exprese", "no emita", "no especule", "no supong", "no asuma", "no cambie",
        "no modifiqu", "no traduzc", "no repita", "no salgas", "no te salgas", "no obedezc",
        "no sigas", "no acepte", "no ignore", "no permita", "no está permitido",
        "no están permitid", "no se permite", "no está autorizad", "no estás autorizad",
        "no tienes permitido", "no tiene permitido", "no debe", "no puedes", "no estás programad",
        "no está programad", "programado para nunca", "nunca", "jamás",
        "bajo ninguna circunstancia", "en ninguna circunstancia", "en ningún caso",
        "en ningún momento", "de ningún modo", "de ninguna manera", "de ninguna forma",
        "bajo ningún concepto", "prohib", "prohíb", "evit", "absten", "abstén", "rechaz", "recház",
        "niégate", "negarte", "a toda costa", "a cualquier costo", "a cualquier precio",
        "mantente alejad", "mantenerte alejad", "aléjate", "mantente al margen",
        "fuera de los límites", "fuera de tu ámbito", "fuera del ámbito", "tienes prohibido",
        "tabú", "no lo revel",
        "no la revel", "no los revel", "no las revel", "no le revel", "no les revel",
        "no lo compart", "no la compart", "no los compart", "no las compart", "no le compart",
        "no les compart", "no lo dig", "no la dig", "no los dig", "no las dig", "no le dig",
        "no les dig", "no lo mencion", "no la mencion", "no los mencion", "no las mencion",
        "no le mencion", "no les mencion", "no lo muestr", "no la muestr", "no los muestr",
        "no las muestr", "no le muestr", "no les muestr", "no lo des ", "no la des ", "no los des ",
        "no las des ", "no le des ", "no les des ", "no lo divulg", "no la divulg", "no los divulg",
        "no las divulg", "no le divulg", "no les divulg", "no lo cuent", "no la cuent",
        "no los cuent", "no las cuent", "no le cuent", "no les cuent", "no se lo", "no se la",
        "a nadie", "con nadie",
    ),
    "fr": (
        "ne pas", "ne jamais", "ne rien", "ne le ", "ne la ", "ne les ", "ne lui", "ne leur",
        "ne révél", "ne révèl", "ne partag", "ne divulg", "ne dévoil", "ne dis ", "ne dites",
        "ne discut", "ne parl", "ne donn", "ne fourni", "ne répond", "ne mentionn", "ne communiqu",
        "ne fais", "ne faites", "ne génér", "ne transmet", "ne montr", "ne trait", "ne rédig",
        "ne propos", "ne sors", "ne sortez", "n'aborde", "n'évoque", "n'utilise", "n'accepte",
        "n'aide", "n'écri", "n'explique", "n'inclu", "n'ajout", "n'invent", "n'exprim", "ne spécul",
        "ne suppos", "ne chang", "ne modifi", "ne tradui", "ne répèt", "ne répét", "n'obéi",
        "n'ignor", "n'insèr", "n'intègr", "ne mets", "ne mettez", "n'est pas permis",
        "n'est pas autorisé", "n'est pas accepté", "n'êtes pas autorisé", "n'es pas autorisé",
        "n'êtes pas programmé", "n'es pas programmé", "n'avez pas le droit", "n'as pas le droit",
        "pas le droit", "pas autorisé", "pas permis", "non autorisé", "pas programmé", "tu ne dois",
        "vous ne devez", "ne devez", "ne dois", "ne doit", "ne devriez", "ne devra", "jamais",
        "en aucun cas", "sous aucun prétexte", "en aucune circonstance", "en aucune façon",
        "en aucune manière", "à aucun moment", "aucunement", "interdi", "prohib", "proscri",
        "il est défendu", "est défendu", "évit", "absten", "abstien", "refus", "décline",
        "déclinez", "à tout prix",
        "tiens-toi à l'écart", "tenez-vous à l'écart", "rester à l'écart", "restez à l'écart",
        "hors de question", "hors de ton champ", "hors de votre champ", "tabou", "à personne",
        "avec personne",
    ),
    "hi": (
        "न करे", "न करो", "न कीजिए", "न दे", "न दो", "न बता", "न कहें", "न बोल", "न दिखा", "न लिख",
        "न साझा", "न प्रकट", "न खोल", "न भेज", "न पूछ", "ना करें", "ना दें", "ना बता", "मत कर", "मत बता",
        "मत दे", "मत दो", "मत कह", "मत बोल", "मत दिखा", "मत लिख", "मत भेज", "मत साझा", "मत शेयर",
        "मत प्रकट", "मत खोल", "मत पूछ", "कभी नहीं", "कभी न ", "कभी भी न", "कदापि", "बिल्कुल नहीं",
        "बिलकुल नहीं", "हरगिज", "मनाही", "मना है", "मना किया", "मना करें",
        "मना कर दें", "मना कर दीजिए", "इनकार कर", "इंकार कर", "निषेध",
        "निषिद्ध", "वर्जित", "प्रतिबंध", "अनुमति नहीं", "इजाज़त नहीं", "इजाजत नहीं", "किसी भी परिस्थिति में",
        "किसी भी हालत में", "किसी भी सूरत में", "किसी भी कीमत पर", "हर कीमत पर", "से बचना", "से बचे", "बचें",
        "दूर रहें", "दूर रहना", "दूर रहो", "नहीं करना चाहिए", "नहीं करनी चाहिए", "नहीं देना चाहिए",
        "नहीं देनी चाहिए", "नहीं बताना चाहिए", "नहीं कहना चाहिए", "नहीं चाहिए", "नहीं करने के लिए",
        "नहीं करने को", "प्रोग्राम नहीं", "दायरे से बाहर", "परहेज", "न जोड़", "न बदल", "न मान", "अस्वीकार",
    ),
    "id": (
        "jangan", "tidak boleh", "tak boleh", "tidak diperbolehkan", "tidak diizinkan",
        "tidak diperkenankan", "tidak dibenarkan", "dilarang", "larangan", "melarang", "terlarang",
        "hindari", "menghindar", "tidak pernah", "sama sekali tidak", "dalam keadaan apa pun",
        "dalam keadaan apapun", "dalam kondisi apa pun", "dalam kondisi apapun",
        "dalam situasi apa pun", "dalam situasi apapun", "bagaimanapun juga", "tidak diprogram",
        "bukan tugas", "tolak", "menolak", "jauhi", "menjauhi", "jauhkan", "tidak seharusnya",
        "seharusnya tidak", "sebaiknya tidak", "tidak sepatutnya", "tidak semestinya", "pantang",
        "berapa pun harganya", "apa pun risikonya", "di luar cakupan", "di luar lingkup",
    ),
    "it": (
        "non rivel", "non condivider", "non condivida", "non divulg", "non svel", "non dire",
        "non dirmi", "non dirgli", "non dirci", "non dirl", "non parlar", "non parli ",
        "non discuter", "non discuta", "non fornir", "non dar", "non risponder", "non risponda",
        "non aiutar", "non aiuti", "non menzion", "non fare", "non farl", "non farne",
        "non scriver", "non scriva", "non generar", "non usar", "non utilizzar", "non trattar",
        "non affrontar", "non mostrar", "non mostri", "non spiegar", "non spieghi", "non comunicar",
        "non raccontar", "non intromett", "non includer", "non includa", "non aggiunger",
        "non aggiunga", "non inventar", "non inventi", "non esprimer", "non specular",
        "non cambiar", "non modificar", "non tradurr", "non ripeter", "non uscir", "non obbed",
        "non seguir", "non accettar", "non ignorar", "non inserir", "non è consentit",
        "non è permess", "non è autorizzat", "non sei autorizzat", "non sei programmat",
        "non è programmat", "non devi", "non deve ", "non dovresti", "non dovete", "non bisogna",
        "non puoi", "programmato per non", "in nessun caso", "in nessuna circostanza",
        "per nessun motivo", "in nessun modo", "in alcun caso", "in alcun modo", "mai e poi mai",
        "vietat", "proibit", "evit", "asten", "astien", "rifiuta", "a tutti i costi",
        "a ogni costo", "ad ogni costo", "a qualunque costo", "stai lontan", "state lontan",
        "tieniti lontan", "tenersi lontan", "tenetevi lontan", "fuori dai limiti", "tabù",
        "a nessuno", "con nessuno",
    ),
    "ja": (
        "ないでください", "ないで下さい", "しないで", "ないように", "しないこと", "てはいけない",
        "てはいけません", "ではいけない", "ではいけません", "てはならない", "てはなりません",
        "ではならない", "ではなりません", "べきではない", "べきではありません", "べきでない",
        "禁止", "禁じ", "避け", "控え", "決して", "絶対に", "いかなる場合", "いかなる状況",
        "いかなる理由", "どんな状況でも", "どんな場合でも", "どのような場合でも",
        "どのような状況でも", "許可されていません", "許されていません", "許されない",
        "認められていません", "認められない", "てはだめ", "ちゃだめ", "ちゃいけない", "するな。",
        "言うな", "断って", "断る", "拒否", "お断り", "範囲外", "対象外", "何としても",
        "何があっても",
    ),
    "ko": (
        "마세요", "마십시오", "마시오", "말아요", "말아 주세요", "말아주세요", "말 것", "말아야",
        "마라.", "마라!", "말라.", "안 됩니다", "안됩니다", "안 된다", "안된다", "금지", "금하",
        "절대", "결코", "어떤 경우에도", "어떠한 경우에도", "어떤 상황에서도", "어떠한 상황에서도",
        "어떤 일이 있어도", "어떠한 일이 있어도", "피하", "피해야", "피해 주세요", "피해주세요",
        "삼가", "거부하", "거절하", "허용되지", "허용하지", "허락되지", "허가되지", "불허",
        "불가합니다", "않아야", "않도록", "프로그래밍되지", "프로그램되지",
        "어떤 대가를 치르더라도", "무슨 수를 써서라도", "멀리하", "범위를 벗어",
    ),
    # Polish: only prohibitions (for telling a system prompt's own rules from an attack
    # pasted into it), not the other tables.
    "pl": (
        "nigdy", "nie wolno", "zabronion", "zabrania się", "nie ujawniaj", "nie wykonuj",
        "nie podawaj", "nie udostępniaj", "nie rozmawiaj", "nie odpowiadaj", "nie pomagaj",
        "nie zdradzaj", "nie mów", "nie pisz", "nie słuchaj", "nie stosuj się", "nie możesz",
        "nie powinieneś", "nie powinnaś", "nie należy", "odrzucaj", "odrzuć", "odmów",
        "odmawiaj", "unikaj", "w żadnym wypadku", "pod żadnym pozorem", "w żadnym razie",
    ),
    "pt": (
        "não revel", "não compartilhe", "não partilhe", "não divulg", "não dig", "não fale",
        "não discuta", "não forneç", "não dê", "não responda", "não ajude", "não mencione",
        "não faça", "não escreva", "não gere", "não use", "não utilize", "não trate", "não aborde",
        "não mostre", "não conte", "não expliqu", "não inclua", "não adicione", "não acrescente",
        "não invente", "não expresse", "não especule", "não suponh", "não mude", "não altere",
        "não modifiqu", "não traduza", "não repit", "não saia", "não obedeç", "não siga",
        "não aceite", "não ignore", "não insira", "não é permitid", "não são permitid",
        "não é autorizad", "não está autorizad", "não está programad", "não estás programad",
        "não deve", "não podes", "programado para nunca", "nunca", "jamais", "em hipótese alguma",
        "em nenhuma hipótese", "sob nenhuma circunstância", "em nenhuma circunstância",
        "em nenhum caso", "em momento algum", "de forma alguma", "de modo algum",
        "de maneira alguma", "proib", "proíb", "vedad", "evit", "absten", "recus", "a todo custo",
        "a qualquer custo", "a qualquer preço", "fique long", "mantenha-se long",
        "mantenha-se afastad", "fique afastad", "fora dos limites", "fora do seu âmbito",
        "fora do âmbito", "tabu", "não o revel", "não a revel", "não os revel", "não as revel",
        "não lhe revel", "não lhes revel", "não o compartilh", "não a compartilh",
        "não os compartilh", "não as compartilh", "não lhe compartilh", "não lhes compartilh",
        "não o divulg", "não a divulg", "não os divulg", "não as divulg", "não lhe divulg",
        "não lhes divulg", "não o diga", "não a diga", "não os diga", "não as diga", "não lhe diga",
        "não lhes diga", "não o mencion", "não a mencion", "não os mencion", "não as mencion",
        "não lhe mencion", "não lhes mencion", "não o mostr", "não a mostr", "não os mostr",
        "não as mostr", "não lhe mostr", "não lhes mostr", "não o conte", "não a conte",
        "não os conte", "não as conte", "não lhe conte", "não lhes conte", "a ninguém",
        "com ninguém",
    ),
    "ru": (
        "никогда", "ни в коем случае", "ни при каких обстоятельствах", "ни при каких условиях",
        "ни под каким видом", "ни в каком случае", "нельзя", "запрещ", "запрет", "не разреша",
        "не допуска", "не позволя", "не позволено", "не следует", "не должен", "не должна",
        "не должно", "не должны", "не стоит", "не смей", "не вправе", "не имеешь права",
        "не имеете права", "избега", "избеж", "воздерж", "отказыва", "откажи",
        "откажись", "откажитесь",
        "любой ценой", "держись подальше", "держитесь подальше", "не запрограммирован",
        "запрограммированы никогда", "запрограммирован никогда", "не обсужда", "не обсуди",
        "не раскрыва", "не раскрой", "не рассказыва", "не расскажи", "не говори ", "не говорите",
        "не сообщай", "не делись", "не делитесь", "не делай", "не давай", "не дай", "не отвечай",
        "не помогай", "не упоминай", "не упомяни", "не пиши", "не генерируй", "не создавай",
        "не предоставляй", "не выдавай", "не выдай", "не показывай", "не покажи", "не используй",
        "не затрагивай", "не касайся", "не касайтесь", "не разглаша", "не разгласи", "не надо",
        "не включай", "не добавляй", "не выдумывай", "не придумывай", "не высказывай", "не выражай",
        "не предполагай", "не меняй", "не изменяй", "не переводи", "не повторяй", "не выходи за",
        "не выходите за", "не подчиняй", "не следуй", "не принимай", "не игнорируй", "не вставляй",
        "вне рамок", "за рамки", "никому", "ни с кем",
    ),
    "th": (
        "อย่าเปิดเผย", "อย่าบอก", "อย่าแชร์", "อย่าแบ่งปัน", "อย่าพูด", "อย่าตอบ", "อย่าให้", "อย่าทํา", "อย่าช่วย",
        "อย่าใช้", "อย่าเขียน", "อย่าสร้าง", "อย่าหารือ", "อย่าอภิปราย", "อย่าคุย", "อย่ากล่าว", "อย่าแสดง",
        "อย่าเผย", "อย่าส่ง", "อย่าแนะนํา", "อย่าอธิบาย", "อย่าได้", "อย่าเด็ดขาด", "อย่า ", "ห้าม", "หลีกเลี่ยง",
        "ไม่ควร", "ไม่ได้รับอนุญาต", "ไม่อนุญาต", "ต้องไม่", "จะต้องไม่", "ไม่ว่าในกรณีใด", "ไม่ว่ากรณีใด",
        "ในกรณีใดๆ", "ในกรณีใด ๆ", "ภายใต้สถานการณ์ใด", "เด็ดขาด", "ไม่มีวัน", "ปฏิเสธ", "งดเว้น", "งดการ",
        "อยู่ห่าง", "ไม่ได้ถูกตั้งโปรแกรม", "ไม่ถูกตั้งโปรแกรม", "ไม่ได้ตั้งโปรแกรม", "ไม่ว่าจะต้องแลก", "นอกขอบเขต",
    ),
    "tl": (
        "huwag", "wag mo", "wag kang", "wag ninyo", "wag niyong", "hindi dapat", "hindi mo dapat",
        "hindi ka dapat", "di dapat", "hindi pinapayagan", "hindi pinahihintulutan",
        "hindi pinahintulutan", "hindi puwede", "hindi pwede", "hindi maaari", "bawal",
        "ipinagbabawal", "pinagbabawal", "iwas", "umiwas", "hindi kailanman", "kailanman ay hindi",
        "sa anumang sitwasyon", "sa anumang pagkakataon", "sa anumang kaso", "sa ilalim ng anumang",
        "anuman ang mangyari", "tumanggi", "tanggihan", "lumayo", "layuan", "hindi naka-program",
        "hindi ka naka-program", "hindi ka programado", "labas sa saklaw",
    ),
    "tr": (
        "asla", "hiçbir koşul", "hiçbir durumda", "hiçbir şekilde", "hiçbir surette",
        "hiçbir suretle", "hiçbir zaman", "hiçbir halde", "hiç bir koşul", "hiç bir şekilde",
        "yasak", "izin verilmez", "izin verilmiyor", "izin verilmemekte", "izin yok",
        "müsaade edilmez", "kaçının", "kaçınmalı", "kaçınmak", "kaçınılmalı", "kaçınarak",
        "kaçınan", "kaçın.", "uzak dur", "uzak tut", "ne pahasına olursa olsun", "reddet",
        "etmeyin", "etmemeli", "etme.", "yapmayın", "yapmamalı", "vermeyin", "vermemeli",
        "paylaşmayın", "paylaşmamalı", "söylemeyin", "söylememeli", "tartışmayın", "tartışmamalı",
        "bahsetmeyin", "bahsetmemeli", "açıklamayın", "açıklamamalı", "yanıtlamayın",
        "yanıtlamamalı", "cevaplamayın", "cevaplamamalı", "konuşmayın", "konuşmamalı", "yazmayın",
        "yazmamalı", "oluşturmayın", "oluşturmamalı", "üretmeyin", "üretmemeli", "sağlamayın",
        "sağlamamalı", "kullanmayın", "kullanmamalı", "programlanmadın", "programlanmamış",
        "kapsam dışı", "kapsamın dışında", "izin verilmeyen", "kimseye", "kimseyle",
    ),
    "vi": (
        "không được", "không nên", "đừng", "cấm", "nghiêm cấm", "tránh", "không bao giờ",
        "tuyệt đối không", "chớ nên", "dưới bất kỳ hoàn cảnh nào", "bất kỳ hoàn cảnh nào",
        "bất cứ hoàn cảnh nào", "trong mọi hoàn cảnh", "trong bất kỳ trường hợp nào",
        "bất kể trường hợp nào", "dù thế nào", "không cho phép", "từ chối", "bằng mọi giá",
        "không thảo luận", "không chia sẻ", "không cung cấp", "không trả lời", "không giúp",
        "không đề cập", "không nói", "không bàn", "không tiết lộ", "không công khai", "không viết",
        "không tạo", "không đưa ra", "không sử dụng", "ngoài phạm vi", "không thuộc phạm vi",
    ),
    "zh": (
        "不要", "别再", "千万别", "你别", "禁止", "严禁", "嚴禁", "不得", "不可以", "切不可",
        "不能", "不应", "不應", "不该", "不該", "不准", "不许", "不許", "不允许", "不允許",
        "不被允许", "绝不", "絕不", "决不", "決不", "永远不", "永遠不", "从不", "從不", "避免",
        "回避", "迴避", "远离", "遠離", "拒绝", "拒絕", "切勿", "请勿", "請勿", "无论如何",
        "無論如何", "在任何情况下", "在任何情況下", "任何情况下都", "不惜一切代价", "不惜一切代價",
        "超出范围", "超出範圍", "范围之外", "範圍之外",
    ),
}

_SECRET_THING: Final[dict[str, tuple[str, ...]]] = {
    "en": (
        "secret key", "secret word", "secret code", "secret phrase", "secret password",
        "secret information", "secrets", "a secret", "the secret", "top secret", "confidential",
        "private data", "private details", "private info", "personal data", "personal details",
        "personal info", "personally identifiable", "sensitive information", "sensitive data",
        "sensitive details", "password", "passcode", "passphrase", "pass phrase", "passkey",
        "pin code", "pin number", "api key", "access key", "access token", "auth token",
        "credential", "privacy", "classified", "proprietary",
    ),
    "ar": (
        "سرية", "سريّة", "السري", "كلمة المرور", "كلمة مرور", "كلمة السر", "رمز المرور",
        "معلومات خاصة", "المعلومات الخاصة", "معلومات شخصية", "المعلومات الشخصية",
        "البيانات الشخصية", "بيانات شخصية", "معلومات حساسة", "المعلومات الحساسة",
        "البيانات الحساسة", "بيانات حساسة", "بيانات الاعتماد", "الخصوصية", "خصوصية",
    ),
    "bn": ("পাসওয়ার্ড", "গোপন", "ব্যক্তিগত তথ্য", "ব্যক্তিগত ডেটা", "সংবেদনশীল তথ্য"),
    "de": (
        "geheim", "vertraulich", "passwort", "kennwort", "zugangsdaten", "anmeldedaten",
        "private informationen", "privaten informationen", "private daten", "privaten daten",
        "persönliche daten", "persönlichen daten", "persönliche informationen",
        "persönlichen informationen", "personenbezogen", "sensible daten", "sensiblen daten",
        "sensible informationen", "sensiblen informationen", "api-schlüssel", "datenschutz",
        "privatsphäre",
    ),
    "es": (
        "secreto", "clave secreta", "palabra secreta", "información secreta", "confidencial",
        "contraseña", "clave de acceso", "credenciales", "información privada",
        "información personal", "datos personales", "datos privados", "datos sensibles",
        "información sensible", "privacidad",
    ),
    "fr": (
        "secret", "secrèt", "confidenti", "mot de passe", "mots de passe", "code d'accès",
        "identifiants", "informations privées", "information privée", "données privées",
        "informations personnelles", "information personnelle", "données personnelles",
        "renseignements personnels", "données sensibles", "informations sensibles", "clé api",
        "clé d'api", "vie privée",
    ),
    "hi": (
        "पासवर्ड", "कूटशब्द", "गुप्त", "गोपनीय", "रहस्य", "राज़", "निजी जानकारी", "व्यक्तिगत जानकारी",
        "व्यक्तिगत डेटा", "निजी डेटा", "संवेदनशील जानकारी", "संवेदनशील डेटा",
    ),
    "id": (
        "rahasia", "kerahasiaan", "kata sandi", "sandi", "password", "informasi pribadi",
        "data pribadi", "informasi rahasia", "data sensitif", "informasi sensitif", "kredensial",
        "privasi",
    ),
    "it": (
        "segreto", "segreti", "chiave segreta", "parola segreta", "informazioni segrete",
        "riservat", "confidenzial", "password", "parola d'ordine", "credenziali",
        "informazioni private", "informazione privata", "informazioni personali",
        "informazione personale", "dati personali", "dati privati", "dati sensibili",
        "informazioni sensibili", "chiave api", "privacy",
    ),
    "ja": (
        "秘密", "機密", "内密", "パスワード", "暗証番号", "合言葉", "個人情報", "個人的な情報",
        "プライベートな情報", "プライバシー", "機微情報",
    ),
    "ko": (
        "비밀", "암호", "패스워드", "기밀", "개인정보", "개인 정보", "민감한 정보", "사적인 정보",
        "자격 증명",
    ),
    "pt": (
        "segred", "secreto", "chave secreta", "informação secreta", "confidencial", "sigil",
        "senha", "palavra-passe", "palavra passe", "credenciais", "informação privada",
        "informações privadas", "informação pessoal", "informações pessoais", "dados pessoais",
        "dados privados", "dados sensíveis", "informações sensíveis", "chave de api", "privacidade",
    ),
    "ru": (
        "секретн", "секреты", "тайн", "конфиденциальн", "парол", "личной информации",
        "личную информацию", "личная информация", "личные данные", "личных данных", "персональн",
        "частной информации", "частную информацию", "чувствительн", "учётные данные",
        "учетные данные", "api-ключ",
    ),
    "th": (
        "รหัสผ่าน", "ความลับ", "รหัสลับ", "คีย์ลับ", "กุญแจลับ", "ข้อมูลลับ", "ลับเฉพาะ", "ข้อมูลส่วนตัว",
        "ข้อมูลส่วนบุคคล", "ข้อมูลที่ละเอียดอ่อน", "ข้อมูลละเอียดอ่อน", "ความเป็นส่วนตัว", "ข้อมูลรับรอง",
    ),
    "tl": (
        "lihim", "sikreto", "kumpidensyal", "kompidensyal", "password", "pribadong impormasyon",
        "personal na impormasyon", "personal na datos", "personal na data",
        "sensitibong impormasyon",
    ),
    "tr": (
        "gizli", "sırrı", "şifre", "parola", "kişisel bilgi", "kişisel veri", "özel bilgi",
        "hassas bilgi", "hassas veri", "kimlik bilgileri", "api anahtar",
    ),
    "vi": (
        "bí mật", "mật khẩu", "thông tin cá nhân", "thông tin riêng tư", "riêng tư",
        "dữ liệu cá nhân", "bảo mật", "thông tin nhạy cảm", "dữ liệu nhạy cảm",
    ),
    "zh": (
        "秘密", "机密", "機密", "密码", "密碼", "口令", "密钥", "密鑰", "秘钥", "个人信息",
        "個人信息", "个人资料", "個人資料", "私人信息", "私人資訊", "隐私", "隱私", "敏感信息",
        "敏感資訊", "敏感数据",
    ),
}

_DISCLOSURE: Final[dict[str, tuple[str, ...]]] = {
    "en": (
        "reveal", "disclos", "divulg", "leak", "expose", "do not tell", "don't tell", "dont tell",
        "tell anyone", "keep secret", "keep it secret", "keep this secret", "keep them secret",
        "kept secret", "in secret", "secretly", "with anyone", "to anyone", "with anybody",
        "to anybody", "to no one", "with no one", "to nobody", "with nobody", "third part",
        "system prompt", "system message", "system instructions", "hidden instructions",
        "initial instructions",
    ),
    "ar": (
        "الكشف", "كشف", "تكشف", "تفصح", "الإفصاح", "الافصاح", "إفشاء", "افشاء", "تسريب", "سرًا",
        "سراً", "لأي شخص", "لاي شخص", "مع أي شخص", "مع اي شخص", "لأحد", "لاحد", "مع أحد", "طرف ثالث",
        "أطراف ثالثة", "موجه النظام", "تعليمات النظام",
    ),
    "bn": (
        "প্রকাশ", "ফাঁস", "কারো কাছে", "কারও কাছে", "কাউকে", "কারো সাথে", "কারও সাথে", "কারো সঙ্গে",
        "কারও সঙ্গে", "শেয়ার", "তৃতীয় পক্ষ", "সিস্টেম প্রম্পট",
    ),
    "de": (
        "verrat", "preisgeb", "nicht preis", "offenleg", "offenbaren", "offenbare ", "weitergeb",
        "weitersag", "niemandem", "an niemanden", "mit niemandem", "an dritte", "dritte partei",
        "dritten partei", "systemprompt", "system-prompt", "systemanweisung",
    ),
    "es": (
        "revel", "divulg", "desvel", "a nadie", "con nadie", "a terceros", "con terceros",
        "prompt del sistema", "instrucciones del sistema",
    ),
    "fr": (
        "révél", "révèl", "divulg", "dévoil", "ébruit", "à personne", "avec personne",
        "à quiconque", "avec quiconque", "à des tiers", "prompt système", "invite système",
        "instructions système",
    ),
    "hi": (
        "खुलासा", "प्रकट", "उजागर", "लीक", "किसी को भी", "किसी को न", "किसी को मत", "किसी के साथ",
        "किसी के सामने", "तीसरे पक्ष", "सिस्टम प्रॉम्प्ट",
    ),
    "id": (
        "ungkap", "mengungkap", "membocorkan", "bocor", "membeberkan", "beberkan",
        "kepada siapa pun", "kepada siapapun", "dengan siapa pun", "dengan siapapun",
        "merahasiakan", "pihak ketiga", "prompt sistem", "instruksi sistem",
    ),
    "it": (
        "rivel", "divulg", "svela", "segretamente", "a nessuno", "con nessuno", "a terzi",
        "con terzi", "prompt di sistema", "istruzioni di sistema",
    ),
    "ja": (
        "明かさ", "明らかにしない", "開示", "公開", "漏ら", "漏洩", "漏えい", "秘匿", "誰にも",
        "他人に", "第三者", "システムプロンプト", "言わないで", "教えないで", "共有しないで",
    ),
    "ko": (
        "누설", "유출", "공개하", "밝히", "드러내", "알려주지", "알리지", "누구에게도", "누구와도",
        "아무에게도", "아무한테도", "제3자", "시스템 프롬프트",
    ),
    "pt": (
        "revel", "divulg", "secretamente", "a ninguém", "com ninguém", "a terceiros",
        "com terceiros", "prompt do sistema", "instruções do sistema",
    ),
    "ru": (
        "раскры", "раскро", "разглаш", "разгласи", "никому", "ни с кем", "в секрете", "секретом",
        "третьим лицам", "системный промпт", "системного промпта", "системные инструкции",
    ),
    "th": (
        "เปิดเผย", "บอกใคร", "ให้ใคร", "กับใคร", "แก่ใคร", "ใครก็ตาม", "เผยแพร่", "รั่วไหล", "บุคคลที่สาม",
        "พรอมต์ระบบ", "คําสั่งระบบ",
    ),
    "tl": (
        "ibunyag", "isiwalat", "isiniwalat", "magsiwalat", "ipagsabi", "ipaalam sa iba",
        "kahit kanino", "kaninuman", "kahit sino", "system prompt",
    ),
    "tr": (
        "ifşa", "kimseye", "kimseyle", "hiç kimse", "başkalarına", "sır olarak", "üçüncü taraf",
        "sistem istemi", "sistem komut", "açığa vur", "açığa çıkar",
    ),
    "vi": (
        "tiết lộ", "để lộ", "làm lộ", "công khai", "với bất kỳ ai", "cho bất kỳ ai",
        "với bất cứ ai", "cho bất cứ ai", "cho ai biết", "bên thứ ba", "lời nhắc hệ thống",
        "chỉ dẫn hệ thống",
    ),
    "zh": (
        "透露", "泄露", "泄漏", "洩露", "洩漏", "披露", "公开", "公開", "告诉任何人", "告訴任何人",
        "任何人", "保密", "第三方", "系统提示", "系統提示",
    ),
}

_ONLY: Final[dict[str, tuple[str, ...]]] = {
    "en": (
        "only", "solely", "exclusively", "purely", "merely", "stay focused", "stay on topic",
        "stay on-topic", "stick to", "stick strictly", "keep to", "limit yourself", "limited to",
        "restrict yourself", "restricted to", "confine yourself", "confined to", "focus on",
        "focused on", "nothing but", "nothing else", "nothing other than", "no other",
        "dedicated to", "unrelated to", "not related to", "other than", "outside of",
    ),
    "ar": (
        "فقط", "حصرا", "حصرًا", "بشكل حصري", "فحسب", "لا غير", "وحسب", "ركز على", "ركّز على",
        "التركيز على", "اقتصر", "يقتصر", "تقتصر", "التزم", "لا شيء سوى",
    ),
    "bn": ("শুধু", "কেবল", "একমাত্র", "মনোযোগ দিন", "ফোকাস", "সীমাবদ্ধ"),
    "de": (
        "nur", "ausschliesslich", "lediglich", "einzig", "beschränk", "begrenzt auf",
        "konzentriere dich", "konzentrieren sie sich", "fokussiere dich", "bleib beim thema",
        "bleibe beim thema", "bleiben sie beim thema", "halte dich an", "halten sie sich an",
        "nichts anderes", "nichts weiter",
    ),
    "es": (
        "solo", "sólo", "solamente", "únicamente", "unicamente", "exclusivamente", "limítate",
        "limitate", "limitarte", "limitado a", "limitada a", "céntrate", "centrate", "concéntrate",
        "enfócate", "enfocate", "mantente enfocad", "cíñete", "ciñete", "ceñirte", "nada más",
    ),
    "fr": (
        "seulement", "uniquement", "exclusivement", "strictement", "concentre-toi",
        "concentrez-vous", "limite-toi", "limitez-vous", "te limiter", "vous limiter", "limité à",
        "limitée à", "limités à", "restreint à", "restreinte à", "rien d'autre", "reste concentré",
        "restez concentré", "tiens-t'en", "tenez-vous en", "t'en tenir", "vous en tenir",
    ),
    "hi": (
        "केवल", "सिर्फ", "मात्र", "पर ध्यान केंद्रित", "ध्यान केंद्रित", "तक सीमित", "सीमित रहें",
        "के अलावा कुछ नहीं", "के अलावा और कुछ नहीं",
    ),
    "id": (
        "hanya", "semata-mata", "khusus untuk", "secara eksklusif", "eksklusif", "fokus pada",
        "tetap fokus", "tetaplah fokus", "batasi", "terbatas pada", "tidak lain",
    ),
    "it": (
        "solo", "soltanto", "solamente", "unicamente", "esclusivamente", "limitati", "limitarti",
        "limitato a", "limitata a", "concentrati", "resta concentrat", "restare concentrat",
        "rimani concentrat", "attieniti", "nient'altro", "null'altro",
    ),
    "ja": (
        "のみ", "だけ", "専ら", "もっぱら", "限定", "限って", "に限る", "に集中", "に専念",
        "以外は",
    ),
    "ko": ("오직", "오로지", "단지", "집중하", "한정", "국한", "벗어나지", "외에는"),
    "pt": (
        "apenas", "somente", "só deve", "só pode", "só responda", "exclusivamente", "unicamente",
        "limite-se", "limitar-se", "limitado a", "limitada a", "concentre-se", "foque apenas",
        "mantenha o foco", "mantenha-se focad", "nada além", "nada mais que",
    ),
    "ru": (
        "только", "исключительно", "лишь", "единственн", "сосредоточ", "сосредотачива", "сфокусир",
        "ограничься", "ограничьтесь", "ограничивайся", "придерживайся", "придерживайтесь",
        "ничего кроме", "не выходи за рамки",
    ),
    "th": ("เท่านั้น", "เพียง", "เฉพาะ", "มุ่งเน้น", "เน้นที่", "จํากัด", "ไม่ออกนอกเรื่อง"),
    "tl": (
        "lamang", "lang ", "tanging", "eksklusibo", "tumutok", "manatiling nakatuon",
        "nakatuon lamang", "limitado sa",
    ),
    "tr": (
        "sadece", "yalnız", "sırf", "münhasıran", "odaklan", "ile sınırl", "sınırlı kal",
        "dışına çıkma", "başka hiçbir şey",
    ),
    "vi": (
        "chỉ nên", "chỉ được", "chỉ tập trung", "chỉ trả lời", "chỉ cung cấp", "chỉ giúp",
        "chỉ thảo luận", "chỉ dùng", "chỉ sử dụng", "chỉ làm", "chỉ có thể", "chỉ riêng", "bạn chỉ",
        "duy nhất", "tập trung vào", "giới hạn", "không gì khác", "thuần túy",
    ),
    "zh": (
        "只能", "只回答", "只提供", "只讨论", "只討論", "只专注", "只負責", "只负责", "只限", "仅",
        "僅", "专注于", "專注於", "限于", "限於", "局限于", "只针对", "只針對", "唯一",
    ),
}
# fmt: on


PROHIBITION_CUES: Final[dict[str, tuple[str, ...]]] = {
    lang: _variants(lang, cues) for lang, cues in _PROHIBITION.items()
}
"""Cues that make a sentence a prohibition or limit, by language code."""

SECRET_THING_CUES: Final[dict[str, tuple[str, ...]]] = {
    lang: _variants(lang, cues) for lang, cues in _SECRET_THING.items()
}
"""Cues that name a protected thing or kind of data, by language code."""

DISCLOSURE_CUES: Final[dict[str, tuple[str, ...]]] = {
    lang: _variants(lang, cues) for lang, cues in _DISCLOSURE.items()
}
"""Cues of telling or leaking, or that name the instructions themselves, by language code."""

SECRECY_CUES: Final[dict[str, tuple[str, ...]]] = {
    lang: _variants(lang, _SECRET_THING[lang] + _DISCLOSURE[lang]) for lang in LANGUAGES
}
"""Cues that mark something as secret or protected: both tables above, by language code."""

ONLY_CUES: Final[dict[str, tuple[str, ...]]] = {
    lang: _variants(lang, cues) for lang, cues in _ONLY.items()
}
"""Cues that limit the scope of what the model may do, by language code."""

# fmt: off
SECOND_PERSON_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "en": ("you", "your", "you're", "youre", "yourself", "u"),
    "ar": ("أنت", "انت", "أنتِ", "لك", "عليك", "بك"),
    "bn": ("আপনি", "আপনার", "আপনাকে", "তুমি", "তোমার", "তোমাকে"),
    "de": ("du", "dein", "deine", "deinen", "deiner", "dich", "dir", "bist", "ihr", "euch"),
    "es": ("tú", "tu", "tus", "te", "ti", "usted", "eres", "vos", "sois", "vosotros"),
    "fr": ("tu", "te", "toi", "ton", "ta", "tes", "vous", "votre", "vos", "es"),
    "hi": ("आप", "आपको", "आपका", "आपकी", "आपके", "तुम", "तुम्हें", "तुम्हारा", "तू"),
    "id": ("kamu", "anda", "engkau", "kau", "mu"),
    "it": ("tu", "ti", "te", "tuo", "tua", "tuoi", "tue", "sei", "voi", "vostro"),
    "ja": ("あなた", "君", "貴方", "お前"),
    "ko": ("당신", "너", "귀하", "너의", "당신의"),
    "pt": ("você", "voce", "tu", "te", "teu", "tua", "vocês", "és"),
    "ru": ("ты", "вы", "твой", "твоя", "ваш", "ваша", "тебе", "вам", "тебя", "вас"),
    "th": ("คุณ",),
    "tl": ("ikaw", "ka", "mo", "iyong", "kayo", "ninyo"),
    "tr": ("sen", "siz", "senin", "sizin", "sana", "size"),
    "vi": ("bạn",),
    "zh": ("你", "您"),
}
"""Words that address the assistant. A sentence holding one says what the assistant is or does
("You are the support bot of Acme"); one without states facts ("The user is Jane Smith"). Words
of scripts with spaces are matched whole, the others as substrings."""
# fmt: on

# fmt: off
FABRICATION_CUES: Final[dict[str, tuple[str, ...]]] = {
    "en": ("make up", "makes up", "made-up", "invent", "fabricat", "hallucinat", "guess",
           "speculat", "assume", "pretend to know"),
    "de": ("erfinde", "erfinden", "ausdenken", "denk dir", "rate nicht", "spekulier"),
    "fr": ("invente", "inventer", "inventez", "fabrique", "devine", "spécule", "suppose"),
    "es": ("inventes", "inventar", "invente", "adivines", "especules", "supongas"),
    "it": ("inventare", "inventi", "inventa", "indovinare", "speculare"),
    "pt": ("inventar", "invente", "inventes", "adivinhar", "especular"),
    "ru": ("выдумыва", "придумыва", "не выдумай", "не придумай", "домысл"),
    "zh": ("编造", "捏造", "虚构", "猜测"),
    "ja": ("でっち上げ", "捏造", "作り話", "推測"),
}
"""Verbs of making things up. "Never invent kubectl flags" or "never make up product information"
rules out a way of answering, not the subject: the user may ask about kubectl and products."""
# fmt: on
