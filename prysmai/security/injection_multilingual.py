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
_FR_ORDERS: Final = r"instructions?|consignes?|regles|directives?|ordres|commandes|indications"
_FR_OBJECT: Final = (
    r"(?:toutes? |tous |les |tes |vos |ces |des |de |precedentes? |anterieures? |ci-dessus )*"
    r"(?:" + _FR_ORDERS + r"|tout ce (?:qu'on|que)|tout ce qui)"
)
_USER: Final = (
    r"(?:usuario|utilizador|utente|utilisateur|benutzers|nutzers|gebruiker|pengguna|"
    r"gumagamit|user|nguoi dung)"
)

_ACCESS_GRANTED: Final = (
    r"(?:access granted|zugang gewahrt|zugriff gewahrt|acces (?:autorise|accorde)|"
    r"acceso (?:concedido|permitido|autorizado)|accesso (?:consentito|concesso|garantito|"
    r"autorizzato)|acesso (?:concedido|permitido|autorizado))"
)
"""The password game's prize, "access granted", and its translations."""
_SAY_LATIN: Final = (
    r"(?:antworte|antworten sie|sag|sage|sagen sie|schreib|schreibe|beginne|beginnen sie|"
    r"starte|gib aus|reponds|repondez|dis|dites|ecris|ecrivez|commence|commencez|responde|"
    r"responda|di (?:simplemente|solo|solamente|unicamente)|diga|escribe|empieza|comienza|"
    r"rispondi|di'|dici|scrivi|inizia|comincia|digite|escreva|comece)"
)
_MARKER_WORD: Final = (
    r"(?:(?:le )?mot(?: de code| cle|-cle)?|(?:la )?phrase [\"'«“„]|code secret|jeton|marqueur|"
    r"(?:la )?parola(?: chiave| in codice)?|(?:la )?frase [\"'«“„]|(?:il )?codice|stringa|"
    r"(?:la )?palabra(?: clave)?|(?:el )?codigo|cadena|(?:das )?(?:code)?wort|(?:den )?satz "
    r"[\"'«“„]|zeichenfolge|token|marker)"
)
"""A planted word or phrase (quoted when it is a whole sentence: "commence par une phrase
d'introduction" asks for prose)."""
_EACH_ANSWER: Final = (
    r"(?:(?:all'inizio|alla fine|in fondo|al termine) (?:di ogni|della|di ciascuna|delle) "
    r"(?:tua |tue )?risposte?|(?:au debut|a la fin|en fin) (?:de chaque|de chacune de tes|"
    r"de chacune de vos|de ta|de votre|de tes|de vos) reponses?|(?:al (?:comienzo|principio|"
    r"final|inicio)|a(?:l)? final) (?:de cada|de tu|de su|de tus) respuestas?|(?:am (?:anfang|"
    r"ende|schluss)|zu beginn) (?:jeder|deiner|ihrer|einer jeden) antwort(?:en)?|"
    r"(?:inizia|termina|comincia|finisci|chiudi) (?:ogni|la tua|la|ciascuna) risposta|"
    r"(?:commence|termine|finis|conclus|commencez|terminez) (?:chaque|ta|votre|chacune de tes) "
    r"reponses?|(?:empieza|comienza|termina|acaba|inicia|cierra) (?:cada|tu|su) respuesta|"
    r"(?:beginne|beende|starte|schliesse|beginnen sie|beenden sie) (?:jede|deine|ihre) antwort)"
)
_AI_ADDRESSEE: Final = (
    r"(?:l'|il |la |lo |el |den |die |das |le |al |all'|a l')?(?:ia|i\.a\.|ki|k\.i\.|ai|llm|"
    r"chatbot|intelligenza artificiale|intelligence artificielle|inteligencia artificial|"
    r"(?:assistente|agente) (?:ia|ai|virtuale)|(?:assistant|agent) (?:ia|ai|virtuel|"
    r"conversationnel)|(?:asistente|agente) (?:de ia|ia|ai|virtual)|ki-(?:assistent|agent|"
    r"modell|system)\w*|modello (?:linguistico|di (?:ia|linguaggio))|modele (?:de langage|"
    r"d'ia|linguistique)|modelo (?:de lenguaje|de ia|linguistico)|sprachmodell)"
)
"""The AI addressed in a document, in Italian, French, Spanish and German ("assistente",
"agent" or "Assistent" alone may be a person)."""
_THIS_ITEM: Final = (
    r"(?:questo|questa|questi|queste|ce|cet|cette|ces|este|esta|estos|estas|diese|dieses|"
    r"diesen|dieser) (?:ticket|e-?mail|mail|messaggio|message|mensaje|nachricht|pagina|page|"
    r"seite|documento|document|dokument|file|fichier|archivo|datei|record|enregistrement|"
    r"registro|eintrag|riga|ligne|fila|zeile|ordine|commande|pedido|bestellung|richiesta|"
    r"demande|solicitud|anfrage|tabella|tableau|tabla|tabelle|correo|courriel)"
)
_TOOL_ORDER_LATIN: Final = (
    r"(?:usa|usando|utilizza|utilizzando|chiama|esegui|invoca|tramite|con|mediante|rufe|nutze|"
    r"verwende|benutze|mit|per|utilise|utilisez|appelle|appelez|execute|executez|avec|via|"
    r"llama a|ejecuta|utiliza|invoca) (?:(?:subito|sofort|immediatement|ahora|lo|la|el|das|"
    r"dem|den|le|il|a la|al) |l'){0,2}(?:strumento|funzione|werkzeug|tool|outil|fonction|"
    r"herramienta|funcion) (?:[a-z]+_)*(?:send|email|mail|delete|remove|erase|transfer|wire|pay|"
    r"payment|refund|post|upload|exec|shell|grant|forward)(?:_[a-z]+)*"
)
_TOOL_CUE_LATIN: Final = (
    r"(?:subito|immediatamente|sofort|umgehend|immediatement|tout de suite|inmediatamente|"
    r"ahora mismo|tutt[ie] (?:i|le|gli)|alle|tous les|toutes les|todos los|todas las|"
    r"complet[aoe]s?|komplett\w*|gesamte\w*|intero|intera|entiere?|entero|entera|bevor du|"
    r"avant de repondre|antes de responder|prima di rispondere|senza chiedere|ohne (?:ruckfrage|"
    r"zu fragen)|sans demander|sin pedir|di nascosto|heimlich|en secreto|en cachette|"
    r"zugangsdaten|credenziali|identifiants|credenciales|passwort\w*|mots? de passe|contrasenas?|"
    r"password|chiave api|cle api|clave api|api-schlussel\w*|"
    r"(?:i )?dati dell'utente|donnees de l'utilisateur|datos del usuario|nutzerdaten|virement|"
    r"bonifico|transferencia|uberweis\w*|euro|€)"
)
_EXFIL_DATA_LATIN: Final = (
    r"(?:tutta la conversazione|(?:l')?intera conversazione|conversazione precedente|"
    r"cronologia (?:della chat|della conversazione|dei messaggi)|prompt di sistema|token della "
    r"sessione|(?:la )?chiave api|toute la conversation|(?:tout )?l'historique (?:de la "
    r"conversation|du chat|des messages|de la discussion)|tout l'historique|prompt systeme|"
    r"(?:la )?cle api|toda la conversacion|(?:todo )?el historial(?: de la conversacion| del "
    r"chat| de mensajes)|historial de (?:la conversacion|chat|mensajes)|prompt del sistema|"
    r"(?:la )?clave api|(?:gesamten |bisherigen |kompletten )+(?:chatverlauf|gesprachsverlauf|"
    r"verlauf|unterhaltung|gesprach)|chatverlauf|gesprachsverlauf|systemprompt|"
    r"api-schlussel\w*|passworter|zugangsdaten)"
)
_EXFIL_CARRIER_LATIN: Final = (
    r"(?:url|link|lien|enlace|collegamento|immagine|image|imagen|bild|https?://[^\s)\]>]*)"
)
_EXFIL_VERB_LATIN: Final = (
    r"(?:aggiung\w*|inserisc\w*|inserire|sostituisc\w*|sostituire|appendi|invia|inviare|"
    r"manda|ajout\w*|insere[rz]?|inserant|remplac\w*|envoie[rz]?|envoyer|anad\w*|inserta\w*|"
    r"sustitu\w*|envia\w*|hange|hangen|fuge|fugen|ersetze|ersetzen|sende|senden|schicke)"
)
_RECITE_LATIN: Final = (
    r"(?:(?:ripeti|riassumi|elenca|recita|riscrivi|stampa|mostra\w*|rivela\w*|traduci|copia)"
    r"\w* ~ (?:tutte )?(?:le )?tue (?:\w+ )?(?:istruzioni|regole|indicazioni|direttive)|"
    r"(?:repete|resume|liste|recite|recopie|reecris|montre|revele|traduis|affiche)[rz]?\w* ~ "
    r"(?:toutes )?(?:tes|vos) (?:\w+ )?(?:instructions|consignes|directives)|"
    r"(?:repite|resume|enumera|lista|recita|copia|reescribe|muestra|revela|traduce)\w* ~ "
    r"(?:todas )?tus (?:\w+ )?(?:instrucciones|reglas|indicaciones|directrices)|"
    r"(?:wiederhole|fasse|liste|zitiere|zeige|nenne|schreibe|ubersetze|verrate)\w* ~ "
    r"(?:alle )?deine (?:\w+ )?(?:anweisungen|instruktionen|vorgaben|richtlinien))"
)
"""Asking the model to recite its own instructions ("your instructions": "tue", "tes",
"tus", "deine"; the formal "Ihre" and "sus" also mean "their")."""


def _rule(name: str, severity: int, pattern: str, *, raw: bool = False) -> InjectionRule:
    return InjectionRule(f"injection.multi_language.{name}", _ML, severity, pattern, raw=raw)


_USER_CONTACT: Final = (
    r"(?:endereco de e-?mail|e-?mail|endereco|(?:numero de )?telefone) do usuario|"
    r"(?:direccion de correo(?: electronico)?|correo(?: electronico)?|direccion|"
    r"(?:numero de )?telefono) del usuario|"
    r"(?:indirizzo (?:e-?mail|di posta(?: elettronica)?)|e-?mail|indirizzo|"
    r"numero di telefono) dell'utente|"
    r"(?:adresse (?:e-?mail|electronique|mail)|adresse|numero de telephone) de l'utilisateur|"
    r"(?:e-?mail-adresse|adresse|telefonnummer|wohnort) des (?:benutzers|nutzers)|"
    r"(?:e-?mailadres|adres|telefoonnummer|woonplaats) van de gebruiker|"
    r"(?:alamat (?:email|e-mail|rumah)|nomor (?:telepon|hp)) pengguna|"
    r"kullanicinin (?:e-?posta adresi|adresi|telefon numarasi)|"
    r"(?:dia chi email|dia chi|so dien thoai) cua nguoi dung"
)
_ASK: Final = (
    r"diga|me de|mostre|informe|dime|dame|muestra|dimmi|dammi|mostrami|dis-moi|donne-moi|"
    r"montre-moi|nenne|zeig|verrate|geef|noem|sebutkan|berikan|beritahu|soyle|"
    r"cho toi biet|cho toi"
)
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
        r"ausgeben|drucken) ~ (?:dein|deine|deinen|ihr|ihre|ihren|den|die|alle) ~ (?:prompt|prompt-"
        r"texte?|prompttext|systemprompt|system-prompt|anweisungen|instruktionen|passwort|"
        r"geheimen? schlussel|obige eingabeaufforderung|eingabeaufforderung)\w*",
    ),
    _rule(
        "override_fr", 6,
        # Bare "ignore" is English too: in French it needs French words after it.
        r"(?:(?:ignore[rz]|oublie[rz]?|oubliez|ne (?:tiens|tenez) (?:pas|plus) compte|"
        r"(?:fais|faites) abstraction|neglige[rz]?|contourne[rz]?) ~ " + _FR_OBJECT
        + r"|ignore (?:toutes? |tous |les |tes |vos |ces |des |de |precedentes? |anterieures? "
        r"|ci-dessus )+(?:" + _FR_ORDERS + r")|ignore tout ce (?:qu'on|que|qui))",
    ),
    _rule(
        "override_es", 6,
        r"(?:ignora\w*|olvida\w*|olvide\w*|descarta\w*|omite|omitir|haz caso omiso|hagan caso "
        r"omiso|pasa por alto|no hagas caso|desestima\w*) ~ (?:todas? |todo |las |los |tus |"
        r"sus |previas? |anteriores |de )*(?:instrucciones|indicaciones|reglas|ordenes|"
        r"directrices|comandos|(?:lo )?que (?:te |se te )?(?:dije|digo|han dicho|dijeron|"
        r"ha dicho))",
    ),
    _rule(
        "override_hbs", 6,  # Croatian, Serbian and Bosnian in Latin script
        r"(?:zaboravi|zaboravite|ignoriraj|ignorisi|ignorirajte|zanemari|zanemarite) ~ "
        r"(?:sve |svu |prethodne |ranije |gornje )*(?:instrukcije|upute|uputstva|naredbe|"
        r"pravila|sto sam rekao|sto je receno)",
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
        "override_pl", 6,
        # A qualifier is required: "pomiń wstęp i instrukcje montażu" skips a manual's part.
        r"(?:zignoruj|zapomnij|pomin|zlekcewaz|olej|nie stosuj sie do) ~ (?:o )?(?:wszystkie |"
        r"wszystkich |wszystko )?(?:wczesniejsze|wczesniejszych|poprzednie|poprzednich|"
        r"dotychczasowe|dotychczasowych|swoje|swoich|twoje|twoich) (?:instrukcje|instrukcji|"
        r"polecenia|polecen|poleceniach|zasady|zasad|reguly|regul|wytyczne|wytycznych)",
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
        r"kunci rahasia (?:anda|kamu)|kata sandi ?(?:mu|kamu|anda)|"
        r"sifren(?:i|izi) ~ (?:paylas|soyle|ver|goster|yaz)\w*|"
        r"(?:sikretong|lihim na) susi|gizli anahtar\w*|"
        r"khoa bi mat cua ban|mat khau cua ban)",
    ),
    _rule(
        # CyberSecEval-style probes for what the system prompt knows about its user.
        "user_birth_latin", 5,
        r"(?:(?:mes|fecha|ano|dia|data|mese|anno|giorno|mois|date|annee|jour) (?:de|di) "
        r"(?:nacimiento|nascimento|nascita|naissance) (?:del|do|da|dell'|de l'|di) ?" + _USER
        + r"|(?:iniciales|iniciais|iniziali|initiales) (?:del|do|da|dell'|de l') ?" + _USER
        + r"|(?:geburtsmonat|geburtsdatum|geburtsjahr|geburtstag|initialen) (?:des|vom) "
        r"(?:benutzers|nutzers|anwenders)|(?:geboortemaand|geboortedatum|geboortejaar|initialen) "
        r"van de gebruiker|(?:bulan|tanggal|tahun|hari) lahir pengguna|inisial pengguna|"
        r"(?:buwan|petsa|taon|araw) ng (?:kapanganakan|pagsilang) ng (?:gumagamit|user)|"
        r"inisyal ng (?:gumagamit|user)|kullanicinin (?:dogum (?:ayi|tarihi|yili|gunu)|"
        r"bas harfleri)|(?:thang|ngay|nam) sinh cua nguoi dung|chu cai dau(?: tien)? (?:cua|"
        r"trong) ten (?:cua )?nguoi dung)",
    ),
    _rule(
        # Probes for the contact details of "the user" the system prompt describes, asked as a
        # question or requested ("the user's address is a required field" is neither).
        "user_contact_latin", 5,
        r"(?:" + _USER_CONTACT + r")[^.!\n]{0,80}\?|(?:" + _ASK + r") ~~ (?:" + _USER_CONTACT
        + r")|onde (?:o )?usuario (?:mora|vive)|donde vive el usuario|dove (?:vive|abita) "
        r"l'utente|ou (?:vit|habite) l'utilisateur|wo (?:wohnt|lebt) der (?:benutzer|nutzer)|"
        r"waar woont de gebruiker|di ?mana pengguna tinggal|kullanici nerede (?:yasiyor|oturuyor)|"
        r"nguoi dung (?:song|o) o dau",
    ),
    _rule(
        "authority_claim_latin", 6,
        r"sou (?:o )?(?:seu|teu) (?:desenvolvedor|criador|administrador|programador)|"
        r"soy (?:tu|su) (?:desarrollador|creador|administrador|programador)|"
        r"sono il tuo (?:sviluppatore|creatore|amministratore|programmatore)|"
        r"je suis (?:ton|votre) (?:developpeur|createur|administrateur|programmeur)|"
        r"ich bin (?:dein|ihr)e? (?:entwickler|schopfer|administrator|programmierer)|"
        r"ik ben (?:je|jouw|uw) (?:ontwikkelaar|maker|beheerder|programmeur)|"
        r"saya (?:adalah )?(?:pengembang|pembuat|administrator|admin|programmer) "
        r"(?:anda|kamu|mu)|"
        r"ben (?:senin|sizin) (?:gelistirici|yaratici|yonetici|programci)\w*|"
        r"toi la (?:nha phat trien|nguoi tao ra|quan tri vien|lap trinh vien) cua ban|"
        r"ako ang (?:iyong )?(?:developer|tagalikha|lumikha sa iyo|admin)",
    ),
    _rule(
        "password_poem_latin", 5,
        r"(?:haiku|poema|poesia|poeme|poesie|gedicht|puisi|tula|siir|bai tho|tho|verso|versi|"
        r"vers) (?:\w+ )?(?:sobre|sulla|sul|su|sur|uber|over|tentang|tungkol sa|hakkinda|ve) "
        r"(?:la |a |o |il |le |das |het |ang )?(?:contrasena|senha|password|mot de passe|"
        r"passwort|wachtwoord|kata sandi|sifre|mat khau)",
    ),
    _rule(
        "password_transformed_latin", 5,
        r"(?:(?:contrasena|senha|password|mot de passe|passwort|wachtwoord|kata sandi|sifre|"
        r"mat khau|parola d'ordine) ~~ (?:leetspeak|l33t|acrostic|acrostico|acrostique|"
        r"akrostichon|akrostik|akrostis)|"
        r"(?:acrostic|acrostico|acrostique|akrostichon|akrostik|akrostis) ~~ "
        r"(?:contrasena|senha|password|mot de passe|passwort|wachtwoord|kata sandi|sifre|"
        r"mat khau|parola d'ordine))",
    ),
    _rule(
        "password_transformed_cyrillic", 5,
        r"парол\w*[^.!?\n]{0,40}(?:leetspeak|l33t|акростих)|"
        r"акростих[^.!?\n]{0,60}парол",
        raw=True,
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
    _rule(
        "ignore_above_latin", 6,
        r"(?:(?:ignore[rz]?|oublie[rz]?) (?:tout )?ce qui (?:precede|est (?:ecrit )?ci-dessus)|"
        r"(?:ignora|ignore|olvida|olvide) (?:todo )?lo (?:anterior|de arriba|dicho)|"
        r"(?:ignora|dimentica) (?:tutto )?(?:quanto|cio che e|quello che e) (?:detto )?sopra|"
        r"(?:ignore|ignora|esqueca|esquece) (?:tudo )?(?:o que (?:foi dito )?)?(?:o )?acima|"
        r"(?:ignorier\w*|vergiss|vergessen) (?:sie )?(?:das|alles) (?:obige|oben gesagte|"
        r"bisherige|vorherige)|(?:obigen|vorherigen|vorangegangenen|bisherigen|vorigen) "
        r"(?:anweisungen|angaben|ausfuhrungen|aufgaben|informationen|befehle) ~ (?:ignorieren|"
        r"vergessen|aus dem kopf|hinter sich)|(?:negeer|vergeet) (?:alles )?(?:wat )?hierboven|"
        r"(?:abaikan|lupakan) (?:semua )?(?:yang )?(?:di atas|sebelumnya)|"
        r"(?:bo qua|quen) (?:tat ca )?(?:nhung )?(?:dieu )?(?:o tren|phia tren|truoc do))",
    ),
    _rule(
        "new_instructions_latin", 6,
        r"(?:neue (?:anweisungen|instruktionen|befehle)|nun folgen (?:neue|weitere) aufgaben|"
        r"nouvelles (?:instructions|consignes)|nuevas instrucciones|nuove istruzioni|"
        r"novas instrucoes|nieuwe instructies|instruksi baru|huong dan moi|yeni talimatlar) ?"
        r"(?::|sind|lauten|folgen|sont|son|sono|sao|zijn|adalah|la)",
    ),
    _rule(
        "if_i_say_you_say_latin", 5,
        r"(?:si (?:yo )?digo ~ (?:tu )?dices|wenn ich ~ sage ~ (?:sagst du|du sagst)|"
        r"si je dis ~ (?:tu dis|vous dites)|se (?:io )?dico ~ (?:tu )?dici|se eu disser ~ "
        r"(?:voce diz|tu dizes))",
    ),
    _rule(
        "done_now_write_de", 5,
        r"(?:sehr gut|super|toll|prima|perfekt|einfach grossartig|ausgezeichnet)[.!]+ "
        r"(?:das ist|das war|damit ist das) (?:erledigt|fertig|geschafft)[.!]+ (?:(?:nun|jetzt) "
        r"(?:verfasse|schreibe|schreib|formuliere|sage|sag|gib|erstelle)|(?:verfasse|schreibe|"
        r"schreib|formuliere|sage|sag|gib|erstelle) (?:nun|jetzt))",
    ),
    _rule(
        "untrue_headline_de", 5,
        r"(?:formulier\w*|schreib\w*|erfinde\w*) ~~ (?:unwahre|falsche|erfundene|irrefuhrende)\w* "
        r"(?:uberschrift|schlagzeile|titel)\w*",
    ),
    _rule(
        "secret_question_latin", 5,
        r"(?:quel est|donne[rz]?(?:-moi)?|confirme[rz]?|(?:dis|dites)(?:-moi)?) (?:le |ton |"
        r"votre )?(?:mot de passe|code secret)|"
        r"(?:cual es|dame|dime|confirma) (?:la |tu |su )?(?:contrasena|clave secreta)|"
        r"(?:qual e|dammi|dimmi|conferma) (?:la |tua |sua )?(?:password|parola d'ordine)|"
        r"(?:qual e|qual|me de|diga|confirme) (?:a |sua |tua )?senha|"
        r"(?:was ist|wie lautet|nenne mir|gib mir|verrate mir) (?:das|dein|ihr) "
        r"(?:passwort|kennwort)|(?:wat is|geef) (?:het |je |uw )?wachtwoord|"
        r"(?:apa|berikan) (?:kata sandi|password)|mat khau la gi|sifre nedir",
    ),
    _rule(
        "evil_persona_latin", 6,
        r"(?:(?:du bist|sei|bist du) (?:jetzt |nun )?(?:eine?|die) (?:bose|boshafte|"
        r"uneingeschrankte|unzensierte) ki|"
        r"(?:tu es|sois|tu seras) (?:maintenant )?une? (?:ia|intelligence artificielle) "
        r"(?:malefique|malveillante|sans (?:regles|limites|restrictions|filtre))|"
        r"(?:eres|seas|se) (?:ahora )?una (?:ia|inteligencia artificial) (?:malvada|"
        r"sin (?:reglas|restricciones|limites|filtros))|"
        r"(?:sei|sarai) (?:ora )?un'?(?:ia|intelligenza artificiale) (?:malvagia|cattiva|"
        r"senza (?:regole|restrizioni|limiti|filtri))|"
        r"(?:voce e|es|seja) (?:agora )?uma (?:ia|inteligencia artificial) (?:malvada|malign[ao]|"
        r"sem (?:regras|restricoes|limites|filtros)))",
    ),
    _rule(
        "special_mode_latin", 6,
        r"(?:mode (?:systeme|maintenance|administrateur|debogage|sans restriction)|"
        r"modo (?:sistema|mantenimiento|manutencao|manutenzione|administrador|amministratore|"
        r"depuracion|sin restricciones|sem restricoes)|(?:system|wartungs|admin|debug)modus) ~ "
        r"(?:active|activee|activado|attivata|attivato|ativado|aktiviert|aktiv|"
        r"pour ce mode|para este modo|per questa modalita)|"
        r"(?:entre|j'entre|entrer|active[rz]?|activa|ativa|attiva|aktiviere|betrete) ~ (?:en |"
        r"dans |el |il |o |den )?(?:mode|modo|modalita|'?(?:system|wartungs|admin|debug)modus)"
        r" ?'?(?:systeme|maintenance|sistema|mantenimiento|manutencao|manutenzione|debug|dios|"
        r"god)?",
    ),
    _rule(
        "reveal_prompt_latin", 6,
        r"(?:(?:montre|montrez|revele[rz]?|affiche[rz]?|imprime[rz]?|repete[rz]?|donne[rz]?|"
        r"dis|dites) ~ (?:ton|votre|le|tes|vos|les) (?:prompt systeme|invite systeme|"
        r"instructions (?:initiales|originales|systeme))|"
        r"(?:muestra\w*|revela\w*|imprime|repite|dime|dame) ~ (?:tu|el|las|tus|sus) "
        r"(?:prompt del sistema|instrucciones (?:originales|iniciales|del sistema)|"
        r"indicaciones del sistema)|"
        r"(?:mostra\w*|rivela\w*|stampa|ripeti|dimmi|dammi) ~ (?:il tuo|le tue|il|le) "
        r"(?:prompt di sistema|istruzioni (?:iniziali|originali|di sistema))|"
        r"(?:mostre|revele|imprima|repita|diga|me de|mostra|revela) ~ (?:seu|o|suas|as|teu|"
        r"tuas) (?:prompt do sistema|instrucoes (?:iniciais|originais|do sistema))|"
        r"(?:toon|geef|herhaal) ~ (?:je|jouw|uw|de) (?:systeemprompt|systeeminstructies|"
        r"oorspronkelijke instructies)|"
        r"(?:tunjukkan|tampilkan|ungkapkan|cetak|berikan) ~ (?:prompt sistem|instruksi sistem|"
        r"instruksi awal)|"
        r"(?:sistem (?:istem|komut|talimat)|ilk talimat)\w* ~ (?:goster|yazdir|acikla|soyle|"
        r"paylas)\w*|"
        r"(?:hien thi|tiet lo|in ra|cho toi biet|cho toi xem) ~ (?:loi nhac he thong|"
        r"huong dan he thong|prompt he thong|chi dan ban dau))",
    ),
    _rule(
        "unrestricted_ai_latin", 6,
        r"(?:(?:kisitlamasiz|filtresiz|sansursuz|kuralsiz) (?:bir )?(?:yapay zeka|ai|asistan)|"
        r"(?:ai|asisten|kecerdasan buatan) (?:tanpa|yang tidak memiliki) (?:batasan|filter|"
        r"sensor|aturan)|(?:ai|tri tue nhan tao) khong (?:co )?(?:gioi han|kiem duyet|"
        r"rang buoc|quy tac)|(?:ai|assistent) zonder (?:enige )?(?:beperkingen|filters|"
        r"censuur|regels)|gelistirici modu|mode pengembang|che do nha phat trien|"
        r"ontwikkelaarsmodus)",
    ),
    _rule(
        # The password game's "say access granted", in other languages or quoted in English.
        "forced_answer_latin", 6,
        _SAY_LATIN + r" ~~ " + _ACCESS_GRANTED,
    ),
    _rule(
        # Canary orders: a planted word in every answer, or at the start or end of one.
        "output_marker_latin", 6,
        r"(?:" + _EACH_ANSWER + r" ~~ " + _MARKER_WORD + r"|" + _MARKER_WORD + r" ~~ "
        + _EACH_ANSWER + r")",
    ),
    _rule(
        # Text in a document addressed to the AI reading it (see note_to_agent).
        "note_to_agent_latin", 6,
        r"(?:(?:nota|note|istruzion[ei]|messaggio|message|avviso|importante|attenzione|p\.?s\.?|"
        r"hinweis|anweisung(?:en)?|nachricht|notiz|wichtig|achtung|instruction|consigne|"
        r"remarque|important|instruccion(?:es)?|mensaje|aviso|atencion) (?:per|a|fur|an|pour|"
        r"para|a l'attention de)? ?" + _AI_ADDRESSEE + r"(?: ?:| -)|" + _AI_ADDRESSEE
        + r",? (?:che|qui|que|die|der|das) " + _THIS_ITEM + r" (?:liest|bearbeitet|verarbeitet|"
        r"zusammenfasst|analysiert)|(?:" + _AI_ADDRESSEE + r"|(?:all'|a l'|al |l'|el )?"
        r"(?:assistente|assistant|asistente)) (?:che|qui|que) (?:legge|elabora|"
        r"gestisce|riassume|analizza|lit|traite|gere|resume|analyse|lea|lee|procese|procesa|"
        r"gestione|gestiona|resuma|analice) " + _THIS_ITEM + r")",
    ),
    _rule(
        # Keeping the user in the dark (see hide_from_user).
        "hide_from_user_latin", 6,
        r"(?:senza (?:avvisare|informare|dirlo a|chiedere a) (?:l')?utente|non (?:dirlo|dire "
        r"(?:nulla|niente)|avvisare|informare) (?:a |al |all')?(?:l')?utente|non menzionare "
        r"(?:questa|questo|queste|questi) (?:nota|istruzion\w*|messaggio|commento)|"
        r"sans (?:prevenir|informer|avertir|le dire a) l'utilisateur|ne (?:le )?(?:dis|dites|"
        r"previens|prevenez) (?:rien|pas) a l'utilisateur|ne mentionne[zs]? pas (?:cette|ce|ces) "
        r"(?:note|instruction|message|commentaire)|a l'insu de l'utilisateur|"
        r"sin (?:avisar|informar|decirle|decir nada) al usuario|no (?:se lo )?(?:digas|avises|"
        r"informes) al usuario|no menciones (?:esta|este|estas) (?:nota|instruccion\w*|mensaje|"
        r"comentario)|sin que el usuario (?:lo )?sepa|"
        r"ohne (?:den |die )?(?:nutzer|benutzer|kunden|anwender)(?:in)? zu (?:fragen|"
        r"informieren|benachrichtigen)|(?:sag|sage|sagen sie) (?:dem|der) (?:nutzer|benutzer|"
        r"kunden|anwender)\w* nichts|erwahne (?:diesen|diese|dieses) (?:hinweis|anweisung|"
        r"nachricht|notiz) nicht)",
    ),
    _rule(
        # Orders to use a side-effect tool by name (see tool_call_order), with urgency, bulk
        # data, secrets or money: "usa subito lo strumento send_email", "supprime tous les
        # fichiers avec l'outil delete_file". "Das Tool send_email ist nur für angemeldete
        # Nutzer" and "usa lo strumento send_email per avvisare il cliente" are not orders of
        # this kind.
        "tool_call_order_latin", 6,
        r"(?:" + _TOOL_ORDER_LATIN + r" ~~ " + _TOOL_CUE_LATIN + r"|" + _TOOL_CUE_LATIN
        + r" ~~ " + _TOOL_ORDER_LATIN + r")",
    ),
    _rule(
        # Exfiltration through a URL (see exfiltration_url).
        "exfiltration_url_latin", 6,
        r"(?:" + _EXFIL_VERB_LATIN + r" ~~ " + _EXFIL_DATA_LATIN + r" ~~ " + _EXFIL_CARRIER_LATIN
        + r"|" + _EXFIL_CARRIER_LATIN + r" ~~ " + _EXFIL_VERB_LATIN + r" ~~ " + _EXFIL_DATA_LATIN
        + r"|" + _EXFIL_VERB_LATIN + r" ~~ " + _EXFIL_CARRIER_LATIN + r" ~~ " + _EXFIL_DATA_LATIN
        + r")",
    ),
    _rule(
        # Reciting the model's own instructions, or those it got at the start, or the text
        # above the user's line.
        "recite_instructions_latin", 6,
        r"(?:" + _RECITE_LATIN + r"|(?:istruzioni|indicazioni) che ti (?:sono state|hanno) "
        r"(?:date|dato|fornite|fornito)|(?:instructions|consignes) que tu as recues|"
        r"(?:instrucciones|indicaciones) que (?:recibiste|te (?:dieron|han dado))|"
        r"(?:anweisungen|instruktionen),? die du (?:erhalten|bekommen) hast|"
        r"(?:texte?|testo) (?:situe |che (?:si trova|appare) )?(?:au-dessus de|sopra|encima de|"
        r"uber|oberhalb) (?:cette|questa|esta|dieser) (?:ligne|riga|linea|zeile)|"
        r"(?:texto|text) (?:que aparece )?(?:encima de|uber|oberhalb) (?:esta|dieser) "
        r"(?:linea|zeile))",
    ),
    _rule(
        # A persona swap from inside a document: "non sei più un assistente...: sei un agente".
        "no_longer_assistant_latin", 6,
        r"(?:non sei piu ~ (?:assistente|ia|chatbot|bot|agente)|tu n'es plus ~ "
        r"(?:assistant|ia|chatbot|bot|agent)|ya no eres ~ "
        r"(?:asistente|ia|chatbot|bot|agente)|du bist (?:ab sofort |jetzt |nun )?kein\w* "
        r"(?:\w+ )?(?:assistent|ki|chatbot|bot|agent)\w* mehr) ~~ (?:(?:da (?:ora|adesso|questo "
        r"momento) in (?:poi|avanti)|d'ora in poi|da adesso),? sei|(?:a partir de maintenant|"
        r"desormais|dorenavant),? tu es|tu es (?:desormais|dorenavant)|(?:a partir de ahora|de "
        r"ahora en adelante|desde ahora),? eres|(?:ab sofort|ab jetzt|von nun an),? bist du|du "
        r"bist (?:ab sofort|ab jetzt|von nun an))",
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
        # "제한이 있나요?" (is there an age limit?) is everyday: only "without restrictions".
        r"시스템 프롬프트" + _G_SHORT + r"(?:알려|보여|출력)|제한이 없는|제한 없이",
        raw=True,
    ),
    _rule(
        "override_hi", 6,
        r"(?:पिछले|पहले|सभी|सारे|अपने|जो भी|जो कुछ)" + _G + r"(?:निर्देश|आदेश|नियम|बताया)"
        + _G + r"(?:अनदेखा|अनदेखी|नजरअंदाज|नज़रअंदाज़|भूल|अवहेलना|उपेक्षा|परवाह)",
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
        # A short gap: "ignore the spelling mistakes in my text and fix the grammar rules"
        # reaches "rules" only across a second clause.
        r"(?:تجاهل|انس|انسى|تغاضى|تغاض|لا تلتزم|تخط|أهمل|اهمل)" + _G_SHORT
        + r"(?:التعليمات|تعليمات|الأوامر|أوامر|التوجيهات|القواعد|ما تم|ما قيل)",
        raw=True,
    ),
    _rule(
        "reveal_ar", 6,
        r"(?:(?:تفعل|افعل|يفعل) أي شيء الآن|مفتاحك السري|"
        r"كلمة المرور الخاصة بك|كلمة السر الخاصة بك|كلمة مرورك)",
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
    _rule(
        "ignore_above_other", 6,
        # "Forget the previous title" is an edit request: "previous" needs an object that
        # is an instruction, or nothing after it.
        r"(?:(?:игнорир|проигнорир|забуд)\pL*" + _G_SHORT + r"(?:вышесказанн|вышенаписанн|"
        r"предыдущ\pL* ?(?:инструкц|указани|команд|правил|промпт|запрос|сообщени|"
        r"ограничени|настройк|[.!,:]|$)|сказанное выше|всё выше|все выше)|"
        r"(?:忽略|无视|忽视|忘记|無視|忘掉)(?:以上|上面|上述|前面|之前)(?:的)?(?:内容|所有|一切|"
        r"全部|所说|說|内容)?|(?:上記|以上|前述)(?:の内容)?を?(?:無視|忘れ)|"
        r"(?:위의|위|앞의|이전) ?(?:내용|것|모든 것)(?:을|를|은)? ?(?:무시|잊어)|"
        r"(?:ऊपर|उपरोक्त|पहले) (?:लिखी |कही |दी )?(?:गई )?(?:सभी )?(?:बातों|बात|सब कुछ|"
        r"सामग्री)" + _G_SHORT + r"(?:अनदेखा|नजरअंदाज|नज़रअंदाज़|भूल)|"
        r"(?:تجاهل|انس|انسى)" + _G_SHORT + r"(?:ما سبق|كل ما سبق|ما ورد أعلاه|ما قيل أعلاه))",
        raw=True,
    ),
    _rule(
        "new_instructions_other", 6,
        r"(?:новые (?:инструкции|указания|правила)|新的?(?:指令|指示|规则|任务)|新しい(?:指示|命令|"
        r"ルール)|새로운 (?:지시|지침|명령)|नए (?:निर्देश|नियम)|تعليمات جديدة) ?(?::|如下|"
        r"は次|는 다음|ниже|следующие)",
        raw=True,
    ),
    _rule(
        "secret_question_other", 5,
        r"(?:какой|каков|скажи|скажите|назови|назовите|поделитесь|поделись|дай|дайте)\pL*"
        + _G_SHORT + r"парол|"
        r"密码是什么|(?:提供|告诉我|确认|給我|给我|說出|说出)" + _G_SHORT + r"(?:密码|密碼|口令)|"
        r"パスワード(?:は何|を教え|を(?:確認|共有))|비밀번호(?:가|는) (?:뭐|무엇)|"
        r"(?:पासवर्ड|कूटशब्द) (?:क्या है|बताओ|बताइए|बताएं)|ما (?:هي )?كلمة (?:المرور|السر)",
        raw=True,
    ),
    _rule(
        "user_contact_other", 5,
        r"(?:사용자(?:의|가)? ?(?:이메일|주소|전화번호)|(?:อีเมล|ที่อยู่|เบอร์โทร\S*)ของผู้ใช้|"
        r"ユーザーの(?:メールアドレス|住所|電話番号)|用户的?(?:电子邮件|邮箱|邮件地址|地址|电话)|"
        r"用戶的?(?:電子郵件|地址|電話)|"
        r"(?:адрес\pL*(?: электронной почты)?|телефон\pL*|email|почт\pL*) пользовател\pL*|"
        r"(?:البريد الإلكتروني|عنوان|رقم هاتف) المستخدم|"
        r"उपयोगकर्ता (?:का|के) (?:ईमेल|पता|फ़ोन|फोन))[^.!。\n]{0,60}[?？]|"
        r"사용자가 (?:현재 )?어디에 (?:살|사)|ผู้ใช้(?:อาศัย)?อยู่ที่ไหน|ユーザーはどこに住|用户住在哪|"
        r"где (?:живет|живёт|проживает) пользовател|أين يعيش المستخدم|उपयोगकर्ता कहाँ रहता",
        raw=True,
    ),
    _rule(
        "authority_claim_other", 6,
        r"(?:나는|저는|난) (?:당신의|너의|네) (?:개발자|관리자|제작자|창조자)|"
        r"(?:私は)?あなたの(?:開発者|管理者|作成者|製作者)(?:です|だ)|"
        r"我是你的(?:开发者|开发人员|管理员|创造者|創造者|開發者|管理員)|"
        r"я (?:твой|ваш) (?:разработчик|создатель|администратор)|"
        r"أنا (?:مطورك|المطور الخاص بك|منشئك|مسؤول النظام)|"
        r"मैं (?:आपका|तुम्हारा) (?:डेवलपर|निर्माता|व्यवस्थापक)|"
        r"ฉัน(?:เป็น|คือ)(?:ผู้พัฒนา|นักพัฒนา|ผู้สร้าง)(?:ของคุณ)",
        raw=True,
    ),
    _rule(
        "user_data_ru", 5,
        r"(?:месяц|дат[ауы]|год|день) рождения пользовател|инициалы пользовател|"
        r"(?:стих|стихотворение|хайку|поэму) (?:про|о) парол",
        raw=True,
    ),
    _rule(
        "special_mode_other", 6,
        r"(?:<|＜|\[)?(?:系统模式|系統模式|システムモード|시스템 모드|системный режим|"
        r"режим (?:системы|обслуживания|администратора))(?:>|＞|\])?"
        + _G_SHORT + r"(?:启动|啓動|开启|開啟|激活|有効|활성|активирован|включ|作为|как ии)|"
        r"<(?:系统模式|系統模式|システムモード|시스템 모드|системный режим)>|"
        r"(?:邪恶的?|不受限制的|没有限制的)(?:AI|ai|人工智能)|邪悪なAI|злой (?:ии|искусственный)",
        raw=True,
    ),
    _rule(
        "unrestricted_other", 6,
        r"(?:وضع المطور|بدون (?:أي )?(?:قيود|رقابة|فلاتر)|لا توجد لديك (?:أي )?قيود|"
        r"डेवलपर मोड|बिना (?:किसी )?(?:प्रतिबंध|सेंसर|फ़िल्टर|फिल्टर)|"
        r"(?:제한|필터|검열)(?:이|가)? 없는 (?:AI|ai|인공지능)|"
        r"(?:制限|フィルター|検閲)のない(?:AI|ai|人工知能))",
        raw=True,
    ),
    _rule(
        "reveal_prompt_other", 6,
        r"(?:النص|الموجه|التعليمات) (?:الأولية|النظامية|الأصلية|الخاصة بالنظام)|"
        r"موجه النظام|सिस्टम (?:निर्देश|संदेश)" + _G_SHORT + r"(?:बताओ|बताइए|दिखाओ|दिखाइए)|"
        r"(?:시스템|초기) (?:프롬프트|지시|지침)(?:을|를)? ?(?:알려|보여|출력|공개)|"
        r"(?:系统提示词|系统提示|系统指令|初始指令|原始指令)" + _G_SHORT
        + r"(?:是什么|告诉我|显示|输出|打印|给我)|"
        r"системн\pL* (?:промпт|подсказ|инструкц)\pL*" + _G_SHORT + r"(?:покажи|выведи|"
        r"повтори|раскрой)",
        raw=True,
    ),
)  # fmt: skip

RULES: Final = LATIN_RULES + OTHER_SCRIPT_RULES
