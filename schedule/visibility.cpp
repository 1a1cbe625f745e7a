#include "schedule/visibility.hpp"

#include <algorithm>
#include <set>

namespace stagehub::schedule {
namespace {

constexpr size_t kShortestSecret = 4;
constexpr std::string_view kMask = "***";

// Query argument names whose values authenticate a sender or a stream.
bool secret_argument(std::string_view name) {
    static constexpr std::string_view kNames[] = {"passphrase", "streamid", "key",      "token",
                                                  "password",   "pass",     "secret",   "auth",
                                                  "pwd",        "sig",      "signature"};
    return std::find(std::begin(kNames), std::end(kNames), name) != std::end(kNames);
}

void add_secret(std::vector<std::string>& secrets, std::string_view part) {
    if (part.size() >= kShortestSecret)
        secrets.emplace_back(part);
}

// "scheme://user:password@host…": the [begin, end) of each password in `text`.
std::vector<std::pair<size_t, size_t>> userinfo_passwords(std::string_view text) {
    std::vector<std::pair<size_t, size_t>> found;
    size_t from = 0;
    while ((from = text.find("://", from)) != std::string_view::npos) {
        const size_t authority = from + 3;
        // The authority ends at the first '/', '?', '#' or blank; its user information at
        // the last '@' before that.
        size_t end = authority;
        while (end < text.size() &&
               std::string_view("/?# \t\r\n\"'<>").find(text[end]) == std::string_view::npos) {
            ++end;
        }
        const std::string_view host = text.substr(authority, end - authority);
        const size_t at = host.rfind('@');
        if (at != std::string_view::npos) {
            const size_t colon = host.find(':');
            if (colon != std::string_view::npos && colon < at)
                found.emplace_back(authority + colon + 1, authority + at);
        }
        from = authority;
    }
    return found;
}

}  // namespace

std::optional<Programme> visible_part(const Programme& programme, Sight sight) {
    if (!sight.unpublished && !programme.event.published)
        return std::nullopt;
    Programme visible = programme;
    if (!sight.unpublished) {
        std::erase_if(visible.sessions, [](const Session& s) { return !s.published; });
        // Links to hidden sessions would name them.
        for (Session& s : visible.sessions) {
            std::erase_if(s.follows_up, [&](const std::string& id) {
                return visible.find_session(id) == nullptr;
            });
        }
        // A person who speaks only in hidden sessions is not yet public either.
        std::set<std::string, std::less<>> appearing;
        for (const Session& s : visible.sessions) {
            for (const SessionPerson& sp : s.people)
                appearing.insert(sp.person_id);
        }
        std::erase_if(visible.people, [&](const Person& p) { return !appearing.contains(p.id); });
    }
    if (!sight.secrets) {
        for (Stage& stage : visible.stages) {
            stage.source.url.clear();
            stage.source.passphrase.clear();
            for (AudioInput& input : stage.audio_inputs) {
                input.url.clear();
                input.passphrase.clear();
            }
        }
    }
    return visible;
}

namespace {

// The secrets an address carries: a password in it, a secret query argument, and for RTMP
// the stream key (everything after the application).
void add_url_secrets(std::vector<std::string>& secrets, std::string_view url, bool rtmp) {
    for (const auto& [begin, end] : userinfo_passwords(url))
        add_secret(secrets, url.substr(begin, end - begin));
    const size_t query = url.find('?');
    if (query != std::string_view::npos) {
        std::string_view args = url.substr(query + 1);
        while (!args.empty()) {
            const size_t amp = args.find('&');
            const std::string_view arg = args.substr(0, amp);
            const size_t eq = arg.find('=');
            if (eq != std::string_view::npos && secret_argument(arg.substr(0, eq)))
                add_secret(secrets, arg.substr(eq + 1));
            args = amp == std::string_view::npos ? std::string_view{} : args.substr(amp + 1);
        }
    }
    if (rtmp) {
        const std::string_view path = url.substr(0, query);
        const size_t scheme = path.find("://");
        const size_t app = path.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
        const size_t key = app == std::string_view::npos ? app : path.find('/', app + 1);
        if (key != std::string_view::npos)
            add_secret(secrets, path.substr(key + 1));
    }
}

}  // namespace

std::vector<std::string> secrets_of(const Stage& stage) {
    std::vector<std::string> secrets;
    add_secret(secrets, stage.source.passphrase);
    add_url_secrets(secrets, stage.source.url, stage.source.kind == SourceKind::rtmp);
    // An interpreter's booth is addressed like a source, with the same kinds of secrets.
    for (const AudioInput& input : stage.audio_inputs) {
        add_secret(secrets, input.passphrase);
        add_url_secrets(secrets, input.url, input.url.starts_with("rtmp://"));
    }
    return secrets;
}

std::string redact(std::string_view text, const std::vector<std::string>& secrets) {
    std::string out(text);
    // Right to left, so earlier positions stay valid.
    const auto passwords = userinfo_passwords(out);
    for (auto it = passwords.rbegin(); it != passwords.rend(); ++it)
        out.replace(it->first, it->second - it->first, kMask);
    // Longest first: a secret containing another is masked whole.
    std::vector<std::string> ordered = secrets;
    std::sort(ordered.begin(), ordered.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    for (const std::string& secret : ordered) {
        if (secret.size() < kShortestSecret)
            continue;
        for (size_t at = out.find(secret); at != std::string::npos;
             at = out.find(secret, at + kMask.size())) {
            out.replace(at, secret.size(), kMask);
        }
    }
    return out;
}

nlohmann::json redact_json(nlohmann::json value, const std::vector<std::string>& secrets) {
    if (value.is_string())
        return redact(value.get<std::string>(), secrets);
    if (value.is_structured()) {
        for (auto& item : value)
            item = redact_json(std::move(item), secrets);
    }
    return value;
}

}  // namespace stagehub::schedule
