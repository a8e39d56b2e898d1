"""Prompt-injection rules for languages other than English.

Latin-script languages use the shorthand of :mod:`prysmai.security.injection_patterns`, written
without accents (normalisation folds them). Other scripts are plain RE2 over normalised text;
their patterns are NFKC-normalised when compiled, exactly like the text they run over (this
matters for Thai SARA AM, Devanagari nukta letters and Bengali YYA).
"""

from __future__ import annotations

from typing import Final

from prysmai.security.injection_patterns import InjectionCategory, InjectionRule

_ML = InjectionCategory.MULTI_LANGUAGE

# A gap inside one sentence, for scripts without ASCII word boundaries.
_G: Final = r"[^.!?。！？।\n]{0,40}?"
_G_SHORT: Final = r"[^.!?。！？।\n]{0,15}?"


def _rule(name: str, severity: int, pattern: str, *, raw: bool = False) -> InjectionRule:
    return InjectionRule(f"injection.multi_language.{name}", _ML, severity, pattern, raw=raw)


LATIN_RULES: Final = (
    _rule(
        "override_de", 6,
        r"(?:ignorier\w*|vergiss|vergessen sie|missacht\w*|uberseh\w*|verwirf|verwerfen sie|"
        r"beachte nicht|beachten sie nicht|abweichend (?:zu|von)|setze \w+ uber) ~ "
        r"(?:\w+ )?(?:\w+ )?(?:anweisung|instruktion|befehl|regel|vorgabe|auftrag|auftrage|"
        r"anordnung|richtlinie|prompt|vorschrift)\w*",
    ),
    _rule(
        "forget_everything_de", 6,
        r"(?:vergiss|vergessen sie|ignoriere|ignorieren sie) (?:einfach |bitte )?(?:alles|alle)"
        r"(?: (?:was|bisherige|vorherige|obige|gesagte|davor|zuvor|oben|bisher))?",
    ),
    _rule(
        "reveal_prompt_de", 6,
        r"(?:zeig|zeige|zeigen|gib|geben|nenne|nennen|verrate|verraten|drucke|wiederhole|"
        r"ausgeben) ~ (?:dein|deine|deinen|ihr|ihre|ihren|den|die|alle) ~ (?:prompt|prompt-"
        r"texte?|prompttext|systemprompt|system-prompt|anweisungen|instruktionen|passwort|"
        r"geheimen? schlussel)\w*",
    ),
    _rule(
        "override_fr", 6,
        r"(?:ignore[rz]?|oublie[rz]?|oubliez|ne (?:tiens|tenez) (?:pas|plus) compte|"
        r"(?:fais|faites) abstraction|neglige[rz]?|contourne[rz]?) ~ (?:toutes? |tous |les |"
        r"tes |vos |ces |des |de |precedentes? |anterieures? |ci-dessus )*(?:instructions?|"
        r"consignes?|regles|directives?|ordres|commandes|indications|tout ce (?:qu'on|que)|"
        r"tout ce qui)",
    ),
    _rule(
        "override_es", 6,
        r"(?:ignora\w*|olvida\w*|olvide\w*|descarta\w*|omite|omitir|haz caso omiso|hagan caso "
        r"omiso|pasa por alto|no hagas caso|desestima\w*) ~ (?:todas? |todo |las |los |tus |"
        r"sus |previas? |anteriores |de )*(?:instrucciones|indicaciones|reglas|ordenes|"
        r"directrices|comandos|lo que (?:te|se te) (?:dije|han dicho|dijeron|ha dicho))",
    ),
    _rule(
        "override_it", 6,
        r"(?:ignora\w*|dimentica\w*|trascura\w*|non considerare|non tenere conto|tralascia\w*)"
        r" ~ (?:tutte? |le |tue |sue |precedenti |di )*(?:istruzioni|indicazioni|regole|"
        r"direttive|ordini|comandi|tutto (?:cio|quello) che)",
    ),
    _rule(
        "override_pt", 6,
        r"(?:ignor[ae]\w*|esqueca\w*|esquece\w*|desconsider\w*|despreze|independentemente) ~ "
        r"(?:todas? |as |os |das |dos |suas |tuas |anteriores |previas )*(?:instrucoes|"
        r"instrucao|orientacoes|regras|comandos|diretrizes|ordens|tarefas anteriores|"
        r"tudo o que)",
    ),
    _rule(
        "override_nl", 6,
        r"(?:negeer|vergeet|veronachtzaam) ~ (?:alle |de |je |uw |vorige |eerdere )*"
        r"(?:instructies|opdrachten|regels|aanwijzingen|richtlijnen)",
    ),
    _rule(
        "override_id", 6,
        r"(?:abaikan|lupakan|acuhkan) ~ (?:semua |seluruh |instruksi |petunjuk )*"
        r"(?:instruksi|petunjuk|perintah|aturan|arahan)",
    ),
    _rule(
        "override_tl", 6,
        r"(?:kalimutan|huwag pansinin|balewalain|iwaksi) ~ (?:ang |mga |iyong |lahat )*"
        r"(?:tagubilin|tuntunin|panuto|utos|patakaran|sinabi)",
    ),
    _rule(
        "override_tr", 6,
        r"(?:onceki|tum|butun|sana verilen|verilen) ~ (?:talimat|komut|kural|yonerge)\w* ~ "
        r"(?:yok say|gormezden gel|unut|dikkate alma|ihmal et)\w*",
    ),
    _rule(
        "override_vi", 6,
        r"(?:bo qua|quen|phot lo|khong can quan tam|dung lam theo) ~ (?:tat ca |nhung |cac |"
        r"moi )*(?:huong dan|chi dan|chi thi|quy tac|lenh|dieu)",
    ),
    _rule(
        "secret_latin", 5,
        r"(?:(?:ta|votre|tes|vos) (?:cle secrete|mot de passe|code secret)|"
        r"(?:tu|su) (?:clave secreta|contrasena|codigo secreto)|"
        r"(?:tua|sua) (?:chiave segreta|password|parola d'ordine)|"
        r"(?:sua|tua) (?:chave secreta|senha)|"
        r"(?:dein|deine|deinen|ihr|ihren) (?:geheim\w* schlussel|passwort|kennwort)|"
        r"(?:je|jouw|uw) (?:geheime sleutel|wachtwoord)|"
        r"kunci rahasia (?:anda|kamu)|(?:sikretong|lihim na) susi|gizli anahtar\w*|"
        r"khoa bi mat cua ban|mat khau cua ban)",
    ),
    _rule(
        "unrestricted_latin", 6,
        r"(?:ohne (?:jegliche |irgendwelche )?(?:einschrankungen|zensur|filter|regeln)|"
        r"sans (?:aucune? )?(?:restrictions?|limites?|filtres?|censure)|"
        r"sin (?:ninguna )?(?:restricciones|limites|filtros|censura)|"
        r"senza (?:alcuna )?(?:restrizioni|limiti|filtri|censura)|"
        r"sem (?:nenhuma )?(?:restricoes|limites|filtros|censura)|"
        r"modo (?:desarrollador|sviluppatore|desenvolvedor)|mode developpeur|entwicklermodus)",
    ),
    _rule(
        "role_switch_latin", 5,
        r"(?:(?:nun|jetzt|ab jetzt|ab sofort) bist du|du bist (?:jetzt|nun|ab sofort)|"
        r"(?:a partir de maintenant|desormais),? tu (?:es|seras|vas)|tu es (?:maintenant|"
        r"desormais)|a partir de ahora,? (?:eres|seras|actuaras)|ahora eres|"
        r"da (?:ora|adesso) in poi,? (?:sei|sarai)|a partir de agora,? (?:voce e|es|sera))",
    ),
    _rule(
        "dan_latin", 6,
        r"(?:fare qualsiasi cosa (?:ora|adesso)|hacer cualquier cosa ahora|faire n'importe quoi "
        r"maintenant|jetzt alles tun|fazer qualquer coisa agora|alles (?:tun|machen) kann)",
    ),
)  # fmt: skip

OTHER_SCRIPT_RULES: Final = (
    _rule(
        "override_ru", 6,
        r"(?:игнорир|проигнорир|забуд|не обращай|не обращайте|пренебреги|пренебрегите|"
        r"отбрось|отбросьте|не следуй|не следуйте)\pL*" + _G + r"(?:инструкци|указани|"
        r"правил|команд|директив|всё,? что|все,? что|установк)",
        raw=True,
    ),
    _rule(
        "reveal_ru", 6,
        r"(?:покажи|покажите|выведи|выведите|раскрой|раскройте|повтори|повторите|скажи|"
        r"скажите|какой|какая|каков)\pL*" + _G + r"(?:(?:твой|ваш|свой)\pL* "
        r"(?:секретн\pL* ключ|парол|системн\pL* (?:промпт|подсказ|инструкц))|"
        r"системн\pL* (?:промпт|подсказ|инструкц))",
        raw=True,
    ),
    _rule(
        "unrestricted_ru", 6,
        r"без (?:каких-либо |всяких |любых )?(?:ограничени|фильтр|цензур|правил)|"
        r"режим\pL* разработчика",
        raw=True,
    ),
    _rule(
        "override_zh", 6,
        r"(?:忽略|无视|忽视|不要理会|不理会|忘记|忘掉|忘了|抛开|放弃|無視|忽略掉|不要遵守|"
        r"不用理会)" + _G_SHORT + r"(?:指令|指示|说明|說明|命令|规则|規則|提示|设定|設定|要求|"
        r"限制|告诉你的|告訴你的)",
        raw=True,
    ),
    _rule(
        "reveal_zh", 6,
        r"(?:你|您)的(?:秘密)?(?:密钥|钥匙|秘钥|密码|口令|密碼|金鑰)|"
        r"(?:显示|输出|告诉|透露|打印|重复|泄露|給我|给我)" + _G_SHORT
        + r"(?:系统提示|系统指令|初始指令|系統提示|原始提示)",
        raw=True,
    ),
    _rule(
        "unrestricted_zh", 6,
        r"(?:开发者模式|开发人员模式|開發者模式|不受(?:任何)?(?:限制|约束|約束|规则|規則)|"
        r"没有(?:任何)?(?:限制|规则|道德|过滤)|沒有(?:任何)?(?:限制|規則|道德)|"
        r"现在就做任何事|现在做任何事|現在就做任何事)",
        raw=True,
    ),
    _rule(
        "override_ja", 6,
        r"(?:(?:以前|これまで|前|上記|事前|すべて|全て|先|今まで)の?(?:指示|命令|ルール|指令|設定|"
        r"プロンプト)" + _G_SHORT + r"(?:無視|忘れ)|(?:無視|忘れ)" + _G_SHORT
        + r"(?:指示|命令|ルール|指令))",
        raw=True,
    ),
    _rule(
        "reveal_ja", 6,
        r"あなたの(?:秘密の鍵|秘密鍵|パスワード|秘密のキー)|(?:システムプロンプト|初期指示)"
        + _G_SHORT + r"(?:教え|表示|見せ|出力)|開発者モード|制限(?:なし|のない|を解除)",
        raw=True,
    ),
    _rule(
        "override_ko", 6,
        r"(?:이전|앞의|위의|모든|기존|지금까지)" + _G_SHORT + r"(?:지시|지침|명령|규칙|설정|"
        r"안내)" + _G_SHORT + r"(?:무시|잊어|잊으)|(?:무시|잊어)" + _G_SHORT
        + r"(?:지시|지침|명령|규칙)",
        raw=True,
    ),
    _rule(
        "reveal_ko", 6,
        r"(?:당신의|너의|네) ?(?:비밀 ?(?:키|열쇠|번호)|비밀번호|암호)|개발자 모드|"
        r"시스템 프롬프트" + _G_SHORT + r"(?:알려|보여|출력)|제한(?:이|이 없는| 없이)",
        raw=True,
    ),
    _rule(
        "override_hi", 6,
        r"(?:पिछले|पहले|सभी|सारे|अपने|जो भी|जो कुछ)" + _G + r"(?:निर्देश|आदेश|नियम|बताया)"
        + _G + r"(?:अनदेखा|नजरअंदाज|नज़रअंदाज़|भूल|अवहेलना|उपेक्षा|परवाह)",
        raw=True,
    ),
    _rule(
        "reveal_hi", 6,
        r"(?:आपकी|आपका|तुम्हारी|तुम्हारा|अपनी|अपना) (?:गुप्त कुंजी|गुप्त कोड|पासवर्ड|सीक्रेट की)|"
        r"अब कुछ भी कर|सिस्टम प्रॉम्प्ट",
        raw=True,
    ),
    _rule(
        "override_bn", 6,
        r"(?:আগের|পূর্ববর্তী|সব|সমস্ত|আপনার|যা বলা)" + _G + r"(?:নির্দেশ|আদেশ|নিয়ম|হয়েছে)"
        + _G + r"(?:উপেক্ষা|ভুলে|অগ্রাহ্য|অবজ্ঞা)",
        raw=True,
    ),
    _rule(
        "reveal_bn", 6,
        r"(?:তোমার|আপনার|তোর) (?:গোপন চাবি|গোপন কী|পাসওয়ার্ড|গোপন কোড)",
        raw=True,
    ),
    _rule(
        "override_ar", 6,
        r"(?:تجاهل|انس|انسى|تغاضى|تغاض|لا تلتزم|تخط|أهمل|اهمل)" + _G
        + r"(?:التعليمات|تعليمات|الأوامر|أوامر|التوجيهات|القواعد|ما تم|ما قيل)",
        raw=True,
    ),
    _rule(
        "reveal_ar", 6,
        r"(?:مفتاحك السري|كلمة المرور الخاصة بك|كلمة السر الخاصة بك|كلمة مرورك)",
        raw=True,
    ),
    _rule(
        "override_th", 6,
        r"(?:ลืม|เพิกเฉย|ไม่ต้องสนใจ|อย่าไปสนใจ|อย่าสนใจ|ละเว้น|ละทิ้ง)" + _G
        + r"(?:คำแนะนำ|คำสั่ง|กฎ|ข้อกำหนด|สิ่งที่)",
        raw=True,
    ),
    _rule(
        "reveal_th", 6,
        r"(?:คีย์ลับ|กุญแจลับ|รหัสลับ|รหัสผ่าน)(?:ของคุณ)",
        raw=True,
    ),
)  # fmt: skip

RULES: Final = LATIN_RULES + OTHER_SCRIPT_RULES
