// What the public writes through the accessibility statement's form (docs/ACCESSIBILITY.md):
// a problem reported to the event's organisers, kept for them to answer and for the
// supervisory authority to ask about. A message sent to a public body may be an official
// document (allmän handling): it is stored as sent, listed to the event's organisers only,
// and removed under the retention the server is given (docs/PRIVACY.md).
//
// The name and email are optional; when given they are personal data: the privacy export
// lists them, an erasure blanks them (the message stays, nameless, for the record), and
// retention deletes whole messages `--feedback-retention-days` after they arrived.
//
// Threads: any thread with its own connection (the loop's for the API; the CLI's, the
// heartbeat writer's for privacy and retention).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/result.hpp"

namespace stagehub::schedule {
class Database;
}

namespace stagehub::accessibility {

inline constexpr size_t kMaxFeedbackMessage = 4000;  // characters, as the form says
inline constexpr size_t kMaxFeedbackName = 200;      // bytes
inline constexpr size_t kMaxFeedbackEmail = 200;     // bytes
inline constexpr size_t kMaxFeedbackPage = 500;      // bytes: the page it concerns
inline constexpr size_t kFeedbackListed = 500;       // newest listed at once

struct Feedback {
    int64_t id = 0;
    std::string event_id;
    int64_t received_ms = 0;
    std::string page;   // the address the sender was on, as they said
    std::string name;   // empty: not given (or erased)
    std::string email;  // empty: not given (or erased)
    std::string message;
    std::string language;  // of the page it was sent from
};

// A message as the form sends it, checked: message required, at most 4000 characters;
// name, email and page optional and bounded; all valid UTF-8. Errors "bad_field".
Status check_feedback(const Feedback& feedback);

class FeedbackStore {
  public:
    explicit FeedbackStore(schedule::Database& db) : db_(db) {}

    // Stores it; returns it with its id.
    Feedback add(Feedback feedback);
    // The event's messages, newest first (at most kFeedbackListed).
    std::vector<Feedback> list(std::string_view event_id) const;

  private:
    schedule::Database& db_;
};

// Messages whose sender gave this email (already lower-case and trimmed), every event.
std::vector<Feedback> feedback_by_email(schedule::Database& db, std::string_view email);
// Blanks the name and email of those messages; returns how many.
int64_t erase_feedback_sender(schedule::Database& db, std::string_view email, int64_t now_ms);
// Deletes messages that arrived before `before_ms`; returns how many.
int64_t delete_feedback_before(schedule::Database& db, int64_t before_ms);

}  // namespace stagehub::accessibility
