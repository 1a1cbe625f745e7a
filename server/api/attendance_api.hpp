// Registration and check-in over REST (docs/API.md, "Registration and check-in"): a citizen
// registers for a published event and gets a check-in code with its QR code; the door
// device (an organiser's token) scans it, once per person and event day, or counts a
// walk-in; sessions with limited seats take presence; organisers list and remove
// registrations, staff read the counts. The rules are schedule/attendance/registrations.
//
// Threads: loop thread.
#pragma once

#include <chrono>
#include <functional>

#include "schedule/attendance/registrations.hpp"
#include "schedule/database.hpp"
#include "schedule/instant.hpp"
#include "schedule/programme_catalog.hpp"
#include "server/auth/access.hpp"
#include "server/auth/token_store.hpp"
#include "server/http/address_rate_limit.hpp"
#include "server/http/api_router.hpp"

namespace stagehub::server {

// What the public may do from one address a minute (all at once if need be: an office
// registering behind one NAT); more gets 429 with Retry-After. 0: no limit.
struct AttendanceLimits {
    int registrations_per_minute = 60;
    // Check-in codes looked up (their QR code): a person looks at their own a few times;
    // someone trying codes one after another is held to this.
    int code_lookups_per_minute = 60;
};

class AttendanceApi {
  public:
    // Touches no table until a request comes: the application migrates after building it.
    // `clock` is the wall clock of attendance (empty: the system's; tests play a day).
    using Clock = std::function<std::chrono::sys_time<std::chrono::milliseconds>()>;
    using Limits = AttendanceLimits;
    AttendanceApi(schedule::ProgrammeCatalog& catalog, TokenStore& tokens, schedule::Database& db,
                  Clock clock = nullptr, Limits limits = {})
        : catalog_(catalog),
          tokens_(tokens),
          db_(db),
          clock_(std::move(clock)),
          registrations_(db),
          registration_limit_(AddressRateLimit::per_minute(limits.registrations_per_minute)),
          code_lookup_limit_(AddressRateLimit::per_minute(limits.code_lookups_per_minute)) {}

    void add_routes(ApiRouter& router);

  private:
    // Public for a published event: citizens register themselves.
    HttpResponse register_attendee(const HttpRequest& request, const PathParams& params,
                                   const Caller& caller);
    HttpResponse registrations(const HttpRequest&, const PathParams& params, const Caller& caller);
    HttpResponse remove_registration(const HttpRequest&, const PathParams& params,
                                     const Caller& caller);
    // The code is the secret: whoever has it may see its QR code, no token needed.
    HttpResponse check_in_qr(const HttpRequest& request, const PathParams& params, const Caller&);
    // The door device. "Today" is the event's calendar day where it happens.
    HttpResponse check_in(const HttpRequest& request, const PathParams& params,
                          const Caller& caller);
    HttpResponse check_ins(const HttpRequest&, const PathParams& params, const Caller& caller);
    HttpResponse mark_present(const HttpRequest& request, const PathParams& params,
                              const Caller& caller);
    HttpResponse presence(const HttpRequest&, const PathParams& params, const Caller& caller);
    Instant now() const {
        return clock_ ? std::chrono::time_point_cast<Seconds>(clock_()) : now_utc();
    }

    // Passed by argument.
    schedule::ProgrammeCatalog& catalog_;
    TokenStore& tokens_;
    schedule::Database& db_;
    Clock clock_;
    // Allocated by this.
    attendance::RegistrationStore registrations_;
    AddressRateLimit registration_limit_;
    AddressRateLimit code_lookup_limit_;
};

}  // namespace stagehub::server
