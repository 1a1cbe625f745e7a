#include "server/api/event_access.hpp"

#include "server/api/api_errors.hpp"

namespace stagehub::server {

using schedule::Programme;

namespace {

Result<const Programme*> existing_event(const schedule::ProgrammeCatalog& catalog,
                                        const Status& allowed, std::string_view event_id) {
    if (!allowed)
        return allowed.error();
    const Programme* programme = catalog.find_event(event_id);
    if (programme == nullptr)
        return no_such_event(event_id);
    return programme;
}

}  // namespace

schedule::Reader reader_for(const Caller& caller) {
    return schedule::Reader{
        [caller](std::string_view event_id) { return caller.sees_unpublished(event_id); },
        [caller](std::string_view event_id) {
            return (caller.is(Role::organiser) || caller.is(Role::staff)) &&
                   caller.account->acts_in(event_id);
        }};
}

std::optional<Programme> visible_event(const schedule::ProgrammeCatalog& catalog,
                                       const Caller& caller, std::string_view event_id) {
    const Programme* programme = catalog.find_event(event_id);
    if (programme == nullptr)
        return std::nullopt;
    return reader_for(caller).view(*programme);
}

Result<Programme> seen_event(const schedule::ProgrammeCatalog& catalog, const Caller& caller,
                             std::string_view event_id) {
    auto programme = visible_event(catalog, caller, event_id);
    if (!programme)
        return no_such_event(event_id);
    return std::move(*programme);
}

Result<const Programme*> organised_event(const schedule::ProgrammeCatalog& catalog,
                                         const Caller& caller, std::string_view event_id) {
    return existing_event(catalog, require_organiser_of(caller, event_id), event_id);
}

Result<const Programme*> staffed_event(const schedule::ProgrammeCatalog& catalog,
                                       const Caller& caller, std::string_view event_id) {
    return existing_event(catalog, require_staff_of(caller, event_id), event_id);
}

Result<const schedule::Session*> session_of(const Programme& programme,
                                            std::string_view session_id) {
    const schedule::Session* session = programme.find_session(session_id);
    if (session == nullptr)
        return no_such_session(programme.event.id, session_id);
    return session;
}

}  // namespace stagehub::server
