#include "engine/names.hpp"

#include <sys/random.h>

#include <cctype>
#include <random>

#include "common/error.hpp"

namespace berth::engine {

namespace {

uint64_t random_u64() {
    uint64_t v = 0;
    if (::getrandom(&v, sizeof v, 0) != sizeof v) {
        static std::random_device rd;
        v = (uint64_t(rd()) << 32) | rd();
    }
    return v;
}

const char* const kAdjectives[] = {
    "admiring", "agitated", "amazing", "awesome", "blissful", "bold", "brave", "charming", "clever", "compassionate",
    "competent", "confident", "cool", "dazzling", "determined", "eager", "ecstatic", "elastic", "elated", "eloquent",
    "epic", "exciting", "fervent", "festive", "focused", "friendly", "gallant", "gifted", "goofy", "gracious",
    "happy", "hopeful", "infallible", "inspiring", "intelligent", "jolly", "keen", "kind", "laughing", "loving",
    "lucid", "magical", "modest", "musing", "mystifying", "nice", "nifty", "nostalgic", "objective", "optimistic",
    "peaceful", "pensive", "practical", "priceless", "quirky", "quizzical", "relaxed", "reverent", "romantic", "serene",
    "sharp", "silly", "sleepy", "stoic", "strange", "sweet", "tender", "thirsty", "trusting", "upbeat",
    "vibrant", "vigilant", "vigorous", "wizardly", "wonderful", "xenodochial", "youthful", "zealous", "zen"};
const char* const kSurnames[] = {
    "agnesi", "albattani", "allen", "archimedes", "babbage", "banach", "bardeen", "bartik", "bell", "bhabha",
    "blackwell", "bohr", "booth", "borg", "brahmagupta", "brattain", "carson", "cerf", "chandrasekhar", "curie",
    "darwin", "davinci", "diffie", "dijkstra", "einstein", "elion", "engelbart", "euclid", "euler", "fermat",
    "fermi", "feynman", "franklin", "galileo", "gauss", "goldberg", "goodall", "hamilton", "hawking", "heisenberg",
    "hodgkin", "hopper", "hypatia", "jackson", "jepsen", "johnson", "kalam", "kepler", "khorana", "knuth",
    "kowalevski", "lamarr", "lamport", "leakey", "lovelace", "lumiere", "mayer", "mccarthy", "mcclintock", "meitner",
    "mendel", "mirzakhani", "morse", "napier", "newton", "noether", "pare", "pasteur", "payne", "perlman",
    "pike", "poincare", "ptolemy", "raman", "ritchie", "rosalind", "sammet", "shannon", "shockley", "sinoussi",
    "stonebraker", "swanson", "tesla", "thompson", "torvalds", "turing", "varahamihira", "villani", "wescoff", "wiles",
    "williams", "wilson", "wing", "wozniak", "wright", "yalow", "yonath"};

}  // namespace

void validate_name(const std::string& name) {
    std::string n = name.starts_with("/") ? name.substr(1) : name;
    auto ok_first = [](char c) { return std::isalnum(static_cast<unsigned char>(c)); };
    auto ok_rest = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'; };
    bool valid = n.size() >= 2 && ok_first(n[0]);
    for (size_t i = 1; valid && i < n.size(); ++i) valid = ok_rest(n[i]);
    if (!valid) {
        throw Error(Errc::invalid_argument, "Invalid container name (" + name + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
    }
}

std::string canonical_name(const std::string& name) { return name.starts_with("/") ? name : "/" + name; }

std::string generate_id() {
    static const char* hex = "0123456789abcdef";
    for (;;) {
        std::string id;
        for (int i = 0; i < 4; ++i) {
            uint64_t v = random_u64();
            for (int j = 0; j < 16; ++j, v >>= 4) id += hex[v & 15];
        }
        // Docker: an id whose short form is all digits could be mistaken for a number.
        bool digits = true;
        for (int i = 0; i < 12; ++i) digits = digits && std::isdigit(static_cast<unsigned char>(id[i]));
        if (!digits) return id;
    }
}

std::string generate_name(int retry) {
    uint64_t r = random_u64();
    std::string name = std::string(kAdjectives[r % std::size(kAdjectives)]) + "_" +
                       kSurnames[(r >> 16) % std::size(kSurnames)];
    if (retry > 0) name += std::to_string((r >> 32) % 10);
    return name;
}

}  // namespace berth::engine
