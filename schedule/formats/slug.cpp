#include "schedule/formats/slug.hpp"

#include <array>

#include "schedule/ids.hpp"

namespace stagehub::schedule::formats {
namespace {

// U+00C0..U+00FF (Latin-1 letters) to ASCII; "" marks a non-letter (× ÷).
constexpr std::array<const char*, 64> kLatin1{
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};

// U+0100..U+017F (Latin Extended-A): upper and lower case alternate, so one letter per code
// point; the ligatures Ĳ ĳ Œ œ are handled apart.
constexpr std::string_view kLatinExtendedA =
    "aaaaaa"
    "cccccccc"
    "dddd"
    "eeeeeeeeee"
    "gggggggg"
    "hhhh"
    "iiiiiiiiii"
    "**"
    "jj"
    "kkk"
    "llllllllll"
    "nnnnnnnnn"
    "oooooo"
    "**"
    "rrrrrr"
    "ssssssss"
    "tttttt"
    "uuuuuuuuuuuu"
    "ww"
    "yyy"
    "zzzzzz"
    "s";
static_assert(kLatinExtendedA.size() == 128);

// The next code point of UTF-8 text; a malformed byte comes out as U+FFFD on its own.
char32_t next_code_point(std::string_view text, size_t& i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    char32_t cp = 0;
    if (lead < 0x80) {
        ++i;
        return lead;
    }
    if ((lead & 0xE0u) == 0xC0u) {
        length = 2;
        cp = lead & 0x1Fu;
    } else if ((lead & 0xF0u) == 0xE0u) {
        length = 3;
        cp = lead & 0x0Fu;
    } else if ((lead & 0xF8u) == 0xF0u) {
        length = 4;
        cp = lead & 0x07u;
    }
    if (length == 0 || i + length > text.size()) {
        ++i;
        return 0xFFFD;
    }
    for (size_t k = 1; k < length; ++k) {
        const auto continuation = static_cast<unsigned char>(text[i + k]);
        if ((continuation & 0xC0u) != 0x80u) {
            ++i;
            return 0xFFFD;
        }
        cp = (cp << 6) | (continuation & 0x3Fu);
    }
    i += length;
    return cp;
}

// ASCII letters for one code point; empty when it separates words.
std::string_view ascii_for(char32_t cp, std::array<char, 2>& single) {
    if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
        single[0] = static_cast<char>(cp);
        return {single.data(), 1};
    }
    if (cp >= 'A' && cp <= 'Z') {
        single[0] = static_cast<char>(cp - 'A' + 'a');
        return {single.data(), 1};
    }
    if (cp >= 0xC0 && cp <= 0xFF)
        return kLatin1[cp - 0xC0];
    if (cp >= 0x100 && cp <= 0x17F) {
        if (cp == 0x132 || cp == 0x133)
            return "ij";
        if (cp == 0x152 || cp == 0x153)
            return "oe";
        single[0] = kLatinExtendedA[cp - 0x100];
        return {single.data(), 1};
    }
    return {};
}

}  // namespace

std::string slugify(std::string_view text) {
    std::string slug;
    bool pending_hyphen = false;
    std::array<char, 2> single{};
    for (size_t i = 0; i < text.size();) {
        const std::string_view ascii = ascii_for(next_code_point(text, i), single);
        if (ascii.empty()) {
            pending_hyphen = !slug.empty();
            continue;
        }
        if (pending_hyphen)
            slug += '-';
        pending_hyphen = false;
        slug.append(ascii);
    }
    return slug;
}

std::string id_slug(std::string_view text) {
    return shortened_slug(slugify(text));
}

std::string unique_id(const std::string& wanted, std::string_view fallback,
                      std::set<std::string>& taken) {
    const std::string base = wanted.empty() ? std::string(fallback) : wanted;
    std::string id = shortened_slug(base);
    for (int n = 2; taken.count(id) != 0; ++n) {
        std::string suffix = "-";  // not "-" + ...: GCC 12 warns of a false overlap
        suffix.append(std::to_string(n));
        id = shortened_slug(base, kMaxIdLength - suffix.size());
        id.append(suffix);
    }
    taken.insert(id);
    return id;
}

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

}  // namespace stagehub::schedule::formats
