"""Demo data for a fictional municipality, Sundby; every step is safe to run twice."""
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select

from .accounts import service as accounts
from .clock import STOCKHOLM, at
from .extensions import db
from .hours import certificates
from .models import (Booking, BookingStatus, Organisation, PersonQualification, Qualification, Role, Shift,
                     ShiftLanguage, Site, Status, TargetGroup, Task, Training, TrainingSession, User, UserLanguage,
                     UserSkill)
from .rules.people import APPROVED_ONCE

DEMO_COORDINATOR = "coordinator@example.org"

ORGANISATIONS = [
    ("Sundby kommun", "municipality", "Runs the evacuation housing."),
    ("FRG Sundby", "frg", "The volunteer resource group: recruits and interviews volunteers."),
    ("Röda Korset Sundby", "red_cross", "Trains volunteers and runs a meeting place."),
    ("Studieförbundet Sundby", "study_association", "Runs the introduction trainings."),
    ("Civilförsvarsförbundet Sundby", "civil_defence", "Trains volunteers in support conversations."),
]

QUALIFICATIONS = [
    ("intro_housing", 24, {"sv": "Introduktion till evakueringsboende", "en": "Introduction to evacuation housing",
                           "ar": "مقدمة عن سكن الإخلاء", "fa": "آشنایی با اقامتگاه تخلیه"}),
    ("support_conversations", None, {"sv": "Stödsamtal", "en": "Support conversations",
                                     "ar": "محادثات الدعم", "fa": "گفت‌وگوهای حمایتی"}),
    ("children_activities", None, {"sv": "Aktiviteter för barn", "en": "Activities for children",
                                   "ar": "أنشطة للأطفال", "fa": "فعالیت‌های کودکان"}),
    ("psychological_first_aid", 36, {"sv": "Psykologisk första hjälp", "en": "Psychological first aid",
                                     "ar": "الإسعافات الأولية النفسية", "fa": "کمک‌های اولیه روانی"}),
    ("civic_information", None, {"sv": "Samhällsinformation", "en": "Civic information",
                                 "ar": "معلومات عن المجتمع", "fa": "اطلاعات اجتماعی"}),
]

TASKS = [
    ("support_conversations", {"sv": "Stödsamtal", "en": "Support conversations", "ar": "محادثات الدعم",
                               "fa": "گفت‌وگوی حمایتی"}),
    ("language_practice", {"sv": "Språkträning", "en": "Language practice", "ar": "ممارسة اللغة",
                           "fa": "تمرین زبان"}),
    ("children_activities", {"sv": "Aktiviteter för barn", "en": "Activities for children",
                             "ar": "أنشطة للأطفال", "fa": "فعالیت‌های کودکان"}),
    ("homework_help", {"sv": "Läxhjälp", "en": "Homework help", "ar": "المساعدة في الواجبات المدرسية",
                       "fa": "کمک در تکالیف"}),
    ("authority_contacts", {"sv": "Hjälp med myndighetskontakter", "en": "Help with contacts with authorities",
                            "ar": "المساعدة في التواصل مع السلطات", "fa": "کمک در ارتباط با ادارات"}),
    ("civic_information", {"sv": "Samhällsinformation", "en": "Civic information",
                           "ar": "معلومات عن المجتمع", "fa": "اطلاعات اجتماعی"}),
    ("leisure_activities", {"sv": "Fritidsaktiviteter", "en": "Leisure activities", "ar": "أنشطة ترفيهية",
                            "fa": "فعالیت‌های اوقات فراغت"}),
    ("reception", {"sv": "Mottagning och värdskap", "en": "Reception and hosting", "ar": "الاستقبال والضيافة",
                   "fa": "پذیرش و میزبانی"}),
]

SITES = [
    ("Evakueringsboendet Sjöudden", "evacuation_housing", "Sundby kommun", "Sjöuddsvägen 4, Sundby",
     "Ring on the staff entrance; the duty officer lets you in.", "Duty officer, 010-123 40 00"),
    ("Evakueringsboendet Norrgården", "evacuation_housing", "Sundby kommun", "Norrgårdsgatan 12, Sundby",
     "Report to reception on the ground floor.", "Reception, 010-123 41 00"),
    ("Mötesplatsen Torget", "meeting_place", "Röda Korset Sundby", "Stortorget 1, Sundby",
     "Open drop-in; the volunteer on duty has the keys.", "Red Cross on call, 010-123 42 00"),
]

# Whom the partnership between the municipality and the Red Cross names as its target groups.
TARGET_GROUPS = [
    ("unaccompanied_children", {"sv": "Ensamkommande barn", "en": "Unaccompanied children",
                                "ar": "الأطفال غير المصحوبين", "fa": "کودکان بدون همراه",
                                "so": "Carruurta aan waalid la socon", "ti": "ብዘይ ኣላዪ ዝመጹ ቆልዑ",
                                "uk": "Неповнолітні без супроводу"}),
    ("newcomers", {"sv": "Nyanlända", "en": "Newcomers", "ar": "الوافدون الجدد", "fa": "تازه‌واردان",
                   "so": "Dadka cusub ee yimid", "ti": "ሓደሽቲ መጻእቲ", "uk": "Новоприбулі"}),
    ("asylum_seekers", {"sv": "Asylsökande", "en": "Asylum seekers", "ar": "طالبو اللجوء", "fa": "پناه‌جویان",
                        "so": "Magangalyo-doonka", "ti": "ሓተትቲ ዑቕባ", "uk": "Шукачі притулку"}),
    ("undocumented", {"sv": "Papperslösa", "en": "Undocumented people", "ar": "الأشخاص غير الموثقين",
                      "fa": "افراد بدون مدرک اقامت", "so": "Dadka aan lahayn dukumiinti",
                      "ti": "ሰነድ ዘይብሎም ሰባት", "uk": "Люди без документів"}),
    ("eu_migrants", {"sv": "EU-migranter", "en": "EU migrants", "ar": "مهاجرو الاتحاد الأوروبي",
                     "fa": "مهاجران اتحادیه اروپا", "so": "Muhaajiriinta EU", "ti": "ስደተኛታት ኤውሮጳዊ ሕብረት",
                     "uk": "Мігранти з ЄС"}),
    ("other_migrants", {"sv": "Andra migranter i behov av socialt stöd",
                        "en": "Other migrants in need of social support",
                        "ar": "مهاجرون آخرون بحاجة إلى دعم اجتماعي", "fa": "سایر مهاجرانِ نیازمند حمایت اجتماعی",
                        "so": "Muhaajiriin kale oo u baahan taageero bulsheed",
                        "ti": "ማሕበራዊ ደገፍ ዘድልዮም ካልኦት ስደተኛታት",
                        "uk": "Інші мігранти, які потребують соціальної підтримки"}),
]
# Whom each site and task serves (a shift serves its site's and its task's groups).
SITE_GROUPS = {
    "Evakueringsboendet Sjöudden": ["asylum_seekers", "newcomers"],
    "Evakueringsboendet Norrgården": ["asylum_seekers", "newcomers"],
    "Mötesplatsen Torget": ["newcomers", "asylum_seekers", "undocumented", "eu_migrants", "other_migrants"],
}
TASK_GROUPS = {"homework_help": ["unaccompanied_children"], "children_activities": ["unaccompanied_children"]}

# (title, organiser, qualification, language of instruction, seats, description)
TRAININGS = [
    ("Introduktion till evakueringsboende", "Studieförbundet Sundby", "intro_housing", "sv", 20,
     "Hur boendet fungerar, bemötande, tystnadsplikt och vem du frågar. Krävs för de flesta pass."),
    ("Psykologisk första hjälp", "Röda Korset Sundby", "psychological_first_aid", "sv", 16,
     "Att möta människor i kris: lyssna, lugna och hänvisa vidare."),
    ("Stödsamtal i praktiken", "Civilförsvarsförbundet Sundby", "support_conversations", "ar", 12,
     "Samtalsövningar för dig som vill hålla stödsamtal på boendet."),
    ("Aktiviteter för barn på boendet", "Röda Korset Sundby", "children_activities", "sv", 14,
     "Lek, trygghet och barns rättigheter; hur du planerar en eftermiddag med barn."),
    ("Samhällsinformation: så fungerar Sverige", "Studieförbundet Sundby", "civic_information", "fa", 15,
     "Att förklara skola, vård och myndigheter på ett enkelt sätt."),
]

# The trainings' titles and descriptions in the other site languages (Swedish is in TRAININGS).
TRAINING_TRANSLATIONS = {
    "Introduktion till evakueringsboende": (
        {"en": "Introduction to evacuation housing", "ar": "مقدمة عن سكن الإخلاء",
         "fa": "آشنایی با اقامتگاه تخلیه", "so": "Hordhac ku saabsan hoyga ku-meel-gaarka ah",
         "ti": "መእተዊ ብዛዕባ ግዝያዊ መንበሪ", "uk": "Вступ до роботи в евакуаційному житлі"},
        {"en": "How the housing works, how to meet residents, confidentiality and whom to ask. "
               "Required for most shifts.",
         "ar": "كيف يعمل السكن، وكيف تتعامل مع المقيمين، والسرية، ومن تسأل. مطلوبة لمعظم المناوبات.",
         "fa": "اقامتگاه چطور کار می‌کند، برخورد با ساکنان، رازداری و این‌که از چه کسی بپرسید. "
               "برای بیشتر نوبت‌ها لازم است.",
         "so": "Sida hoygu u shaqeeyo, sida loola dhaqmo dadka deggan, qarsoodiga iyo cidda aad weydiiso. "
               "Waxaa looga baahan yahay inta badan wareegyada.",
         "ti": "መንበሪ ብኸመይ ከም ዝሰርሕ፡ ኣቀባብላ ነበርቲ፡ ምስጢር ምሕላው ከምኡ’ውን መን ከም እትሓትት። "
               "ንመብዛሕትኡ ፈረቓታት የድሊ።",
         "uk": "Як працює житло, як спілкуватися з мешканцями, конфіденційність і до кого звертатися. "
               "Потрібно для більшості змін."}),
    "Psykologisk första hjälp": (
        {"en": "Psychological first aid", "ar": "الإسعافات الأولية النفسية", "fa": "کمک‌های اولیه روانی",
         "so": "Gargaarka degdegga ah ee nafsiga", "ti": "ቀዳማይ ረድኤት ስነ-ኣእምሮ",
         "uk": "Перша психологічна допомога"},
        {"en": "Meeting people in crisis: listen, calm and refer onwards.",
         "ar": "التعامل مع الأشخاص في الأزمات: الاستماع والتهدئة والإحالة.",
         "fa": "رویارویی با افراد در بحران: گوش دادن، آرام کردن و ارجاع دادن.",
         "so": "La kulanka dadka dhibaataysan: dhageyso, deji oo u gudbi.",
         "ti": "ምስ ኣብ ቅልውላው ዘለዉ ሰባት ምርኻብ፡ ምስማዕ፡ ምህዳእን ናብ ካልእ ምምራሕን።",
         "uk": "Зустріч із людьми в кризі: вислухати, заспокоїти й направити далі."}),
    "Stödsamtal i praktiken": (
        {"en": "Support conversations in practice", "ar": "محادثات الدعم في التطبيق",
         "fa": "گفت‌وگوی حمایتی در عمل", "so": "Wada-hadallo taageero oo la dhaqan geliyo",
         "ti": "ደገፍ ዝህብ ዝርርብ ብተግባር", "uk": "Підтримувальні розмови на практиці"},
        {"en": "Conversation exercises for those who want to hold support conversations at the housing.",
         "ar": "تمارين حوار لمن يريد إجراء محادثات الدعم في السكن.",
         "fa": "تمرین گفت‌وگو برای کسانی که می‌خواهند در اقامتگاه گفت‌وگوی حمایتی داشته باشند.",
         "so": "Layliyo wada-hadal ah oo loogu talagalay kuwa doonaya inay hoyga ku qabtaan wada-hadallo taageero.",
         "ti": "ልምምድ ዝርርብ ነቶም ኣብ መንበሪ ደገፍ ዝህብ ዝርርብ ከካይዱ ዝደልዩ።",
         "uk": "Вправи для тих, хто хоче проводити підтримувальні розмови в житлі."}),
    "Aktiviteter för barn på boendet": (
        {"en": "Activities for children at the housing", "ar": "أنشطة للأطفال في السكن",
         "fa": "فعالیت‌های کودکان در اقامتگاه", "so": "Hawlaha carruurta ee hoyga",
         "ti": "ንጥፈታት ቆልዑ ኣብ መንበሪ", "uk": "Заняття для дітей у житлі"},
        {"en": "Play, safety and children's rights; how to plan an afternoon with children.",
         "ar": "اللعب والأمان وحقوق الطفل؛ كيف تخطط لفترة بعد الظهر مع الأطفال.",
         "fa": "بازی، امنیت و حقوق کودک؛ چگونه یک بعدازظهر را با کودکان برنامه‌ریزی کنید.",
         "so": "Ciyaar, badbaado iyo xuquuqda carruurta; sida loo qorsheeyo galab carruur la joogto.",
         "ti": "ጸወታ፡ ድሕንነትን መሰል ቆልዑን፤ ምስ ቆልዑ ድሕሪ ቀትሪ ብኸመይ ከም እተዳልው።",
         "uk": "Гра, безпека й права дітей; як спланувати пообідній час із дітьми."}),
    "Samhällsinformation: så fungerar Sverige": (
        {"en": "Civic information: how Sweden works", "ar": "معلومات عن المجتمع: كيف تعمل السويد",
         "fa": "اطلاعات اجتماعی: سوئد چگونه کار می‌کند", "so": "Macluumaad bulsheed: sida Iswiidhan u shaqeyso",
         "ti": "ሓበሬታ ሕብረተሰብ፡ ሽወደን ብኸመይ ትሰርሕ", "uk": "Інформація про суспільство: як працює Швеція"},
        {"en": "Explaining school, health care and authorities in a simple way.",
         "ar": "شرح المدرسة والرعاية الصحية والسلطات بطريقة بسيطة.",
         "fa": "توضیح مدرسه، خدمات درمانی و ادارات به زبانی ساده.",
         "so": "Sharaxaadda dugsiga, daryeelka caafimaadka iyo hay'adaha si fudud.",
         "ti": "ቤት ትምህርቲ፡ ክንክን ጥዕናን ትካላት መንግስትን ብቐሊል ኣገባብ ምግላጽ።",
         "uk": "Просте пояснення школи, охорони здоров'я та органів влади."}),
}

# (site, task, start hour, hours, places, required qualification, wanted languages)
SHIFT_PATTERN = [
    ("Evakueringsboendet Sjöudden", "reception", 9, 3, 3, "intro_housing", ["ar", "uk"]),
    ("Evakueringsboendet Sjöudden", "children_activities", 15, 2, 4, "intro_housing", []),
    ("Evakueringsboendet Norrgården", "support_conversations", 13, 3, 2, "support_conversations", ["ar", "fa"]),
    ("Evakueringsboendet Norrgården", "homework_help", 17, 2, 3, None, ["so", "ti"]),
    ("Mötesplatsen Torget", "language_practice", 18, 2, 5, None, []),
]


DEMO_ADMIN = "admin@example.org"

# Fictional people: (name, e-mail, status, languages, skills, availability, preferred organisation, days ago)
PEOPLE = [
    ("Amina Yusuf", "amina@example.org", Status.CONFIRMED, ["so", "sv", "en"], ["child_care"], ["evenings"], "FRG Sundby", 1),
    ("Karim Haddad", "karim@example.org", Status.CONFIRMED, ["ar", "sv"], ["teaching", "driving_licence"], ["weekends"], None, 2),
    ("Parisa Ahmadi", "parisa@example.org", Status.CONFIRMED, ["fa", "prs", "sv"], ["health_care"], ["weekdays"], "Röda Korset Sundby", 4),
    ("Olena Kovalenko", "olena@example.org", Status.CONFIRMED, ["uk", "ru", "en"], ["interpreting"], ["evenings", "weekends"], None, 6),
    ("Erik Lund", "erik@example.org", Status.CONFIRMED, ["sv", "en"], ["sports_leisure"], ["weekends"], "FRG Sundby", 9),
    ("Fatima Ali", "fatima@example.org", Status.APPROVED, ["ar", "sv", "en"], ["teaching"], ["evenings"], "FRG Sundby", 30),
    ("Mehdi Rahimi", "mehdi@example.org", Status.APPROVED, ["fa", "prs", "en"], ["legal_admin"], ["weekdays"], None, 40),
    ("Ingrid Berg", "ingrid@example.org", Status.APPROVED, ["sv", "de"], ["health_care", "driving_licence"], ["weekdays", "evenings"], "Sundby kommun", 45),
    ("Yonas Tesfaye", "yonas@example.org", Status.APPROVED, ["ti", "am", "sv"], ["interpreting"], ["weekends"], None, 60),
    ("Hodan Warsame", "hodan@example.org", Status.APPROVED, ["so", "ar", "sv"], ["child_care"], ["evenings"], "FRG Sundby", 75),
    ("Lars Nilsson", "lars@example.org", Status.INACTIVE, ["sv"], ["cooking"], ["weekends"], "Sundby kommun", 120),
]


def _demo_bookings(intro: Qualification) -> int:
    """The approved demo volunteers hold the introduction and have booked the first days' shifts,
    so that the lists show places taken, a full shift and languages covered."""
    approved = db.session.scalars(select(User).where(User.status == Status.APPROVED, User.role == Role.VOLUNTEER)
                                  .order_by(User.id)).all()
    now = datetime.now(STOCKHOLM)
    for person in approved:
        db.session.add(PersonQualification(user_id=person.id, qualification_id=intro.id, granted_at=now,
                                           expires_at=now + timedelta(days=700), reason="Demo"))
    shifts = db.session.scalars(select(Shift).where(
        Shift.requires_record_check.is_(False),
        (Shift.required_qualification_id.is_(None)) | (Shift.required_qualification_id == intro.id))
        .order_by(Shift.starts_at).limit(4)).all()
    count = 0
    for shift in shifts:
        for person in approved[:shift.places]:
            db.session.add(Booking(shift_id=shift.id, user_id=person.id, status=BookingStatus.BOOKED))
            shift.places_taken += 1
            count += 1
    return count


def _demo_certificate(site: Site, task: Task, coordinator: User, today: date) -> str:
    """Shifts one volunteer attended in the past weeks, and a certificate for them to verify."""
    person = db.session.scalar(select(User).where(User.email == "hodan@example.org"))
    for weeks_ago in range(6, 1, -1):
        day = today - timedelta(weeks=weeks_ago)
        shift = Shift(site=site, task=task, starts_at=_local(day, 17), ends_at=_local(day, 19), places=3,
                      places_taken=1, target_groups=_served(site, task))
        db.session.add(Booking(shift=shift, user_id=person.id, status=BookingStatus.ATTENDED,
                               decided_by_id=coordinator.id))
    db.session.flush()
    certificate = certificates.issue(person, today - timedelta(weeks=7), today - timedelta(days=1), "en")
    return certificate.display_code


def _demo_people(orgs: dict, now: datetime) -> int:
    """Applicants waiting for an interview and approved volunteers, so coordinators have someone to see."""
    if db.session.scalar(select(func.count(User.id)).where(User.role == Role.VOLUNTEER)):
        return 0
    for number, (name, email, status, languages, skills, times, org, days) in enumerate(PEOPLE, start=1):
        since = now - timedelta(days=days)
        person = User(email=email, full_name=name, phone=f"+467012300{number:02d}", status=status,
                      locale="sv", motivation="", adult_confirmed=True, created_at=since, consented_at=since,
                      email_confirmed_at=since, status_changed_at=since,
                      confirmed_name=name if status in APPROVED_ONCE else None,
                      name_confirmed_at=since if status in APPROVED_ONCE else None,
                      privacy_version=current_app.config["PRIVACY_NOTICE_VERSION"],
                      languages=[UserLanguage(code=code) for code in languages],
                      skills=[UserSkill(code=code) for code in skills],
                      preferred_organisations=[orgs[org]] if org else [],
                      **{f"available_{key}": True for key in times})
        db.session.add(person)
    return len(PEOPLE)


# The same names in Somali, Tigrinya and Ukrainian.
MORE_NAMES = {
    "intro_housing": {"so": "Hordhac ku saabsan hoyga ku-meel-gaarka ah", "ti": "መእተዊ ብዛዕባ ግዝያዊ መንበሪ",
                      "uk": "Вступ до роботи в евакуаційному житлі"},
    "support_conversations": {"so": "Wada-hadallo taageero", "ti": "ደገፍ ዝህብ ዝርርብ", "uk": "Підтримувальні розмови"},
    "children_activities": {"so": "Hawlo carruureed", "ti": "ንጥፈታት ንቆልዑ", "uk": "Заняття для дітей"},
    "psychological_first_aid": {"so": "Gargaarka degdegga ah ee nafsiga", "ti": "ቀዳማይ ረድኤት ስነ-ኣእምሮ",
                                "uk": "Перша психологічна допомога"},
    "civic_information": {"so": "Macluumaad ku saabsan bulshada", "ti": "ሓበሬታ ብዛዕባ ሕብረተሰብ",
                          "uk": "Інформація про суспільство"},
    "language_practice": {"so": "Ku celcelinta luqadda", "ti": "ልምምድ ቋንቋ", "uk": "Мовна практика"},
    "homework_help": {"so": "Caawinta casharrada guriga", "ti": "ሓገዝ ዕዮ-ገዛ", "uk": "Допомога з домашніми завданнями"},
    "authority_contacts": {"so": "Caawinta xiriirka hay'adaha dowladda", "ti": "ሓገዝ ኣብ ርክብ ምስ ቤት ጽሕፈታት መንግስቲ",
                           "uk": "Допомога у спілкуванні з установами"},
    "leisure_activities": {"so": "Hawlaha waqtiga firaaqada", "ti": "ንጥፈታት ግዜ ዕረፍቲ", "uk": "Дозвілля"},
    "reception": {"so": "Soo dhaweyn iyo martigelin", "ti": "ምቕባልን ምእንጋድ ኣጋይሽን", "uk": "Прийом і гостинність"},
}

def _get_or_create(model, lookup: dict, **values):
    instance = db.session.scalar(select(model).filter_by(**lookup))
    if instance is None:
        instance = model(**lookup, **values)
        db.session.add(instance)
        db.session.flush()
    return instance


def _served(site: Site, task: Task) -> list[TargetGroup]:
    """A shift's target groups: its site's and its task's."""
    return list({group.id: group for group in site.target_groups + task.target_groups}.values())


def _local(day: date, hour: int) -> datetime:
    return at(day, time(hour))


def run(today: date | None = None, weeks: int = 3) -> str:
    """Create what is missing and say what was added."""
    today = today or datetime.now(STOCKHOLM).date()
    orgs = {name: _get_or_create(Organisation, {"name": name}, kind=kind, description=text)
            for name, kind, text in ORGANISATIONS}
    quals = {code: _get_or_create(Qualification, {"code": code}, names={**names, **MORE_NAMES[code]},
                                  validity_months=months)
             for code, months, names in QUALIFICATIONS}
    tasks = {code: _get_or_create(Task, {"code": code}, names={**names, **MORE_NAMES[code]}) for code, names in TASKS}
    sites = {name: _get_or_create(Site, {"name": name}, kind=kind, organisation_id=orgs[org].id,
                                  address=address, access_notes=notes, contact_on_duty=contact)
             for name, kind, org, address, notes, contact in SITES}
    groups = {code: _get_or_create(TargetGroup, {"code": code}, names=names) for code, names in TARGET_GROUPS}
    for owners, named in ((sites, SITE_GROUPS), (tasks, TASK_GROUPS)):
        for key, codes in named.items():
            owners[key].target_groups = owners[key].target_groups or [groups[code] for code in codes]
    added = []
    if not db.session.scalar(select(func.count(TrainingSession.id))):
        for index, (title, org, qual, language, seats, description) in enumerate(TRAININGS):
            titles, descriptions = TRAINING_TRANSLATIONS[title]
            training = _get_or_create(Training, {"title": title}, organisation_id=orgs[org].id,
                                      qualification_id=quals[qual].id, description=description,
                                      titles=titles, descriptions=descriptions)
            for week in range(weeks):
                day = today + timedelta(days=3 + index + 7 * week)
                db.session.add(TrainingSession(training=training, starts_at=_local(day, 18),
                                               ends_at=_local(day, 21), place=SITES[2][3],
                                               language=language, seats=seats))
        added.append(f"{len(TRAININGS) * weeks} training sessions")
    if not db.session.scalar(select(func.count(Shift.id))):
        count = 0
        for offset in range(1, 7 * weeks + 1):
            day = today + timedelta(days=offset)
            for site, task, hour, hours, places, qual, languages in SHIFT_PATTERN:
                db.session.add(Shift(
                    site=sites[site], task=tasks[task], starts_at=_local(day, hour),
                    ends_at=_local(day, hour + hours), places=places,
                    required_qualification=quals[qual] if qual else None,
                    requires_record_check=task == "children_activities",
                    languages=[ShiftLanguage(code=code) for code in languages],
                    target_groups=_served(sites[site], tasks[task])))
                count += 1
        added.append(f"{count} shifts")
    if people := _demo_people(orgs, datetime.now(STOCKHOLM)):
        added.append(f"{people} volunteers and applicants")
        db.session.flush()
        added.append(f"{_demo_bookings(quals['intro_housing'])} bookings")
    # The study association too, so the demo coordinator can show the trainings pages.
    coordinator = accounts.make_coordinator(
        DEMO_COORDINATOR, "Demo Coordinator",
        [orgs["FRG Sundby"], orgs["Sundby kommun"], orgs["Studieförbundet Sundby"]], admin=False)
    if people:
        code = _demo_certificate(sites["Evakueringsboendet Norrgården"], tasks["homework_help"], coordinator, today)
        added.append(f"a certificate to verify at /verify/{code}")
    admin = accounts.make_coordinator(DEMO_ADMIN, "Demo Admin", [], admin=True)
    # The demo's own accounts have read the current privacy notice; real coordinators accept it at first sign-in.
    for account in (coordinator, admin):
        account.privacy_version = current_app.config["PRIVACY_NOTICE_VERSION"]
    what = ", ".join(added) if added else "nothing new (demo data was already there)"
    return f"Demo data: {what}. Demo coordinator: {DEMO_COORDINATOR}; demo admin: {DEMO_ADMIN}."
