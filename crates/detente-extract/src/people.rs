//! What the text tells about people: grammatical gender (for `he`/`she`) and the role words
//! that descriptions refer back to (`the commerce secretary`, `the prime minister`).

/// The gender a pronoun needs, or a person is known to have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Female,
    Male,
    Unknown,
}

impl Gender {
    /// Whether a person of gender `self` can be referred to by a pronoun needing `need`.
    pub fn fits(self, need: Gender) -> bool {
        self == Gender::Unknown || need == Gender::Unknown || self == need
    }
}

/// The gender a pronoun refers to.
pub fn pronoun_gender(p: &str) -> Gender {
    match p {
        "she" | "She" | "her" | "Her" => Gender::Female,
        "he" | "He" | "his" | "His" | "him" => Gender::Male,
        _ => Gender::Unknown,
    }
}

/// Titles before a name that say the gender.
pub fn title_gender(t: &str) -> Gender {
    match t {
        "Mrs" | "Ms" | "Miss" | "Madam" | "Dame" | "Lady" | "Baroness" | "Queen" | "Princess" => {
            Gender::Female
        }
        "Mr" | "Sir" | "Lord" | "Baron" | "King" | "Prince" => Gender::Male,
        _ => Gender::Unknown,
    }
}

/// Common female given names (many languages). A name in neither list has unknown gender, and
/// a pronoun may then refer to that person.
const FEMALE: &[&str] = &[
    "Ada", "Agnieszka", "Aisha", "Alexandra", "Alice", "Alina", "Amanda", "Amelia", "Amira",
    "Ana", "Anastasia", "Andrea", "Angela", "Angelina", "Anita", "Anja", "Ann", "Anna", "Anne",
    "Annalena", "Antonia", "Ayesha", "Barbara", "Beata", "Beatrice", "Bridget", "Camille",
    "Carla", "Carmen", "Caroline", "Catherine", "Charlotte", "Chloe", "Christine", "Claire",
    "Clara", "Claudia", "Cristina", "Daria", "Diana", "Dorota", "Elena", "Eleni", "Elif",
    "Elisabeth", "Elizabeth", "Ella", "Emily", "Emma", "Eva", "Fatima", "Francesca", "Gabriela",
    "Giorgia", "Grace", "Gráinne", "Hanna", "Hannah", "Harriet", "Helen", "Helena", "Hillary",
    "Ilona", "Ines", "Ingrid", "Irina", "Isabel", "Isabella", "Jacinda", "Jane", "Janet",
    "Jennifer", "Jessica", "Joanna", "Julia", "Julie", "Kaja", "Kamala", "Karin", "Karoline",
    "Karolina", "Kate", "Katarzyna", "Kateryna", "Katherine", "Katrin", "Kristalina", "Laura",
    "Layla", "Leila", "Lina", "Linda", "Lisa", "Liz", "Lucia", "Lucy", "Lyudmila", "Magdalena",
    "Maria", "Marie", "Marina", "Marta", "Martina", "Mary", "Maya", "Melania", "Mette",
    "Michelle", "Monika", "Nadia", "Nancy", "Natalia", "Natalie", "Nicola", "Nina", "Oksana",
    "Olena", "Olga", "Olha", "Paula", "Petra", "Priti", "Rachel", "Rebecca", "Rosa", "Ruth",
    "Sabine", "Sanna", "Sarah", "Sofia", "Sophie", "Susan", "Svetlana", "Svitlana", "Tatiana",
    "Tetiana", "Theresa", "Ulrike", "Ursula", "Valentina", "Vera", "Victoria", "Yulia",
    "Yuliia", "Zainab", "Zofia",
];

/// Common male given names (many languages).
const MALE: &[&str] = &[
    "Abdullah", "Adam", "Ahmad", "Ahmed", "Alan", "Alexander", "Alexei", "Ali", "Andrew",
    "Andrii", "Andriy", "Andrzej", "Antony", "António", "Anthony", "Arkady", "Benjamin",
    "Boris", "Carlos", "Charles", "Christopher", "Daniel", "David", "Dmitry", "Dmytro",
    "Donald", "Emmanuel", "Erik", "Faisal", "Francesco", "Frank", "Friedrich", "Georg",
    "George", "Hakan", "Hans", "Henrik", "Howard", "Ibrahim", "Igor", "Ivan", "Jakub", "James",
    "Jan", "Javier", "Jean", "Jens", "JD", "Joe", "Johann", "John", "Jonathan", "José",
    "Joseph", "Juan", "Karl", "Keir", "Keith", "Khalid", "Kirill", "Klaus", "Lars", "Luca",
    "Luis", "Malcolm", "Marco", "Mark", "Markus", "Martin", "Matteo", "Michael", "Mikhail",
    "Mohammed", "Muhammad", "Nicolas", "Oleksandr", "Oleksiy", "Olaf", "Omar", "Paul", "Pavel",
    "Paweł", "Pete", "Peter", "Petro", "Pieter", "Pierre", "Rafael", "Recep", "Richard",
    "Robert", "Rustem", "Sergei", "Sergey", "Stefan", "Steve", "Steven", "Tariq", "Thomas",
    "Tom", "Valeriy", "Viktor", "Vladimir", "Volodymyr", "Wang", "William", "Xi", "Yehor",
    "Yuri", "Yusuf",
];

/// The gender a given name usually has.
pub fn name_gender(first: &str) -> Gender {
    if FEMALE.contains(&first) {
        Gender::Female
    } else if MALE.contains(&first) {
        Gender::Male
    } else {
        Gender::Unknown
    }
}

/// Words that say the gender when they describe a person ("a spokeswoman").
pub fn role_gender(w: &str) -> Gender {
    match w {
        "spokeswoman" | "chairwoman" | "congresswoman" | "businesswoman" | "wife" | "mother"
        | "daughter" | "sister" | "woman" => Gender::Female,
        "spokesman" | "chairman" | "congressman" | "businessman" | "husband" | "father" | "son"
        | "brother" | "man" => Gender::Male,
        _ => Gender::Unknown,
    }
}

/// Nouns that head a description of a person's office ("the commerce secretary", "the envoy").
pub const ROLE_HEADS: &[&str] = &[
    "minister",
    "secretary",
    "president",
    "envoy",
    "ambassador",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "negotiator",
    "chancellor",
    "governor",
    "senator",
    "premier",
    "commissioner",
    "adviser",
    "advisor",
    "director",
    "chairman",
    "chairwoman",
    "chair",
    "mayor",
    "economist",
    "analyst",
    "lawmaker",
    "deputy",
    "leader",
    "executive",
    "chief",
    "mediator",
    "presenter",
    "host",
    "diplomat",
    "official",
    "source",
    "aide",
    "insider",
    "officer",
];

/// Nouns for people that an unnamed source is introduced by ("a customs officer", "one
/// teacher", "a senior diplomat").
pub const UNNAMED_NOUNS: &[&str] = &[
    "official", "officials", "diplomat", "diplomats", "source", "sources", "officer", "aide",
    "insider", "teacher", "worker", "resident", "soldier", "trader", "farmer", "driver", "nurse",
    "doctor", "man", "woman", "person", "member", "negotiator", "analyst", "spokesman",
    "spokeswoman", "spokesperson", "executive", "lawmaker", "employee", "staffer", "participant",
    "witness", "commander", "guard", "activist", "protester", "voter", "student", "engineer",
    "banker", "economist", "adviser", "advisor", "minister", "colleague", "friend", "relative",
];
