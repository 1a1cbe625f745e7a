#include "schedule/ids.hpp"

namespace stagehub::schedule {
namespace {

bool is_lower_or_digit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

std::string quoted_id(std::string_view id) {
    constexpr size_t kShown = 80;
    std::string out = "'";
    for (size_t i = 0; i < id.size() && i < kShown; ++i) {
        const auto c = static_cast<unsigned char>(id[i]);
        if (c >= 0x20 && c < 0x7F && c != '\\' && c != '\'') {
            out += static_cast<char>(c);
        } else {
            constexpr std::string_view kHex = "0123456789abcdef";
            out.append("\\x").append(1, kHex[c >> 4]).append(1, kHex[c & 0x0Fu]);
        }
    }
    if (id.size() > kShown)
        out.append("...");
    out += '\'';
    return out;
}

bool is_id(std::string_view text) {
    if (text.empty() || text.size() > kMaxIdLength || !is_lower_or_digit(text.front()))
        return false;
    for (const char c : text) {
        if (!is_lower_or_digit(c) && c != '-')
            return false;
    }
    return true;
}

std::string_view id_form() {
    return "ids are 1 to 64 characters of a-z, 0-9 and '-', starting with a letter or a digit "
           "(e.g. 'stora-salen')";
}

std::string id_problem(std::string_view what, std::string_view id) {
    if (is_id(id))
        return {};
    std::string message(what);
    if (id.empty()) {
        message.append(" has no id");
    } else {
        message.append(" id ").append(quoted_id(id)).append(" is not an id");
    }
    message.append(": ").append(id_form());
    return message;
}

std::string shortened_slug(std::string_view slug, size_t max) {
    if (slug.size() > max) {
        size_t cut = max;
        const size_t hyphen = slug.substr(0, max + 1).rfind('-');
        if (hyphen != std::string_view::npos && hyphen >= max - max / 3)
            cut = hyphen;
        slug = slug.substr(0, cut);
    }
    while (!slug.empty() && slug.back() == '-')
        slug.remove_suffix(1);
    return std::string(slug);
}

bool is_uuid(std::string_view text) {
    if (text.size() != 36)
        return false;
    for (size_t i = 0; i < text.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? text[i] != '-' : !is_hex(text[i]))
            return false;
    }
    return true;
}

std::set<std::string> off_form_ids(const Programme& programme) {
    std::set<std::string> off;
    const auto check_id = [&](const std::string& id) {
        if (!is_id(id))
            off.insert(id);
    };
    const auto check_guid = [&](const std::string& guid) {
        if (!guid.empty() && !is_uuid(guid))
            off.insert(guid);
    };
    check_id(programme.event.id);
    for (const Stage& stage : programme.stages) {
        check_id(stage.id);
        check_guid(stage.guid);
    }
    for (const Person& person : programme.people)
        check_id(person.id);
    for (const Session& session : programme.sessions) {
        check_id(session.id);
        check_guid(session.guid);
    }
    return off;
}

}  // namespace stagehub::schedule

namespace stagehub::schedule {

std::vector<std::string> off_form_notes(const Programme& programme) {
    std::vector<std::string> notes;
    const std::string event = "event " + quoted_id(programme.event.id);
    // Only what has its form goes into a path as it is.
    const std::string api =
        "/api/v1/events/" + (is_id(programme.event.id) ? programme.event.id : "{event}");
    const auto guid_of = [](const std::string& guid) {
        return is_uuid(guid) ? guid : std::string("{guid}");
    };
    if (!is_id(programme.event.id)) {
        notes.push_back(event + ": its id is not an id (" + std::string(id_form()) +
                        "): export its programme and import it under an id of that form");
    }
    for (const Stage& stage : programme.stages) {
        if (!is_id(stage.id)) {
            notes.push_back(
                event + ": stage " + quoted_id(stage.id) + " has no valid id (" +
                std::string(id_form()) + "), so it is not broadcast: give it one with PATCH " +
                api + "/stages/" + guid_of(stage.guid) + " {\"id\": \"...\"}, or DELETE it there");
        }
        if (!stage.guid.empty() && !is_uuid(stage.guid))
            notes.push_back(event + ": stage " + quoted_id(stage.id) + ": its guid is no UUID");
    }
    for (const Person& person : programme.people) {
        if (!is_id(person.id)) {
            notes.push_back(event + ": person " + quoted_id(person.id) + " has no valid id (" +
                            std::string(id_form()) + "): list a person with one instead");
        }
    }
    for (const Session& session : programme.sessions) {
        if (!is_id(session.id)) {
            notes.push_back(event + ": session " + quoted_id(session.id) + " has no valid id (" +
                            std::string(id_form()) + "): edit or DELETE it at " + api +
                            "/sessions/" + guid_of(session.guid) + ", and add it again with one");
        }
        if (!session.guid.empty() && !is_uuid(session.guid))
            notes.push_back(event + ": session " + quoted_id(session.id) + ": its guid is no UUID");
    }
    return notes;
}

}  // namespace stagehub::schedule
