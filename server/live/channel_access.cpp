#include "server/live/channel_access.hpp"

#include <string>

#include "server/auth/access.hpp"

namespace stagehub::server {
namespace {

using schedule::Programme;

bool is_organiser(const std::optional<Account>& account) {
    return account && account->role == Role::organiser;
}

Status unknown(const Channel& channel) {
    return Error{ErrorCode::unknown_channel,
                 std::string("there is no channel '").append(channel.name()).append("'")};
}

Status may_follow_stats(const std::optional<Account>& account, const Channel& channel,
                        const schedule::ProgrammeCatalog& catalog) {
    if (!account) {
        return Error{ErrorCode::unauthorized,
                     channel.name().append(" needs a staff or organiser token: "
                                           "send \"token\" with the subscription")};
    }
    if ((account->role != Role::staff && account->role != Role::organiser) ||
        !account->acts_in(channel.id)) {
        return Error{ErrorCode::forbidden,
                     channel.name()
                         .append(" is for the event's staff and organisers; this token is for ")
                         .append(account->describe())};
    }
    return catalog.find_event(channel.id) != nullptr ? ok_status() : unknown(channel);
}

// Public once the event is published; before that its captioners and organisers follow
// it, to see what they send.
Status may_follow_captions(const std::optional<Account>& account, const Channel& channel,
                           const schedule::ProgrammeCatalog& catalog) {
    const Programme* owner = catalog.find_stage_owner(channel.id);
    if (owner == nullptr)
        return unknown(channel);
    if (owner->event.published)
        return ok_status();
    const bool insider = account && account->acts_in(owner->event.id) &&
                         (account->role == Role::organiser || account->role == Role::captioner);
    return insider ? ok_status() : unknown(channel);
}

Status may_follow_ops(const std::optional<Account>& account) {
    if (!account) {
        return Error{ErrorCode::unauthorized,
                     "the ops channel needs an organiser token: send \"token\" with the "
                     "subscription"};
    }
    if (!is_organiser(account)) {
        return Error{
            ErrorCode::forbidden,
            "only organisers may subscribe to ops; this token is for " + account->describe()};
    }
    return ok_status();
}

}  // namespace

Status may_follow(const std::optional<Account>& account, const Channel& channel,
                  const schedule::ProgrammeCatalog& catalog) {
    switch (channel.kind) {
        case ChannelKind::agenda: {
            const Programme* programme = catalog.find_event(channel.id);
            return programme != nullptr && programme->event.published ? ok_status()
                                                                      : unknown(channel);
        }
        case ChannelKind::now: {
            const Programme* owner = catalog.find_stage_owner(channel.id);
            return owner != nullptr && owner->event.published ? ok_status() : unknown(channel);
        }
        case ChannelKind::panel: {
            const Programme* owner = find_session_owner(catalog, channel.id);
            return owner != nullptr &&
                           may_see_session(account, *owner, *owner->find_session(channel.id))
                       ? ok_status()
                       : unknown(channel);
        }
        case ChannelKind::stats:
            return may_follow_stats(account, channel, catalog);
        case ChannelKind::captions:
            return may_follow_captions(account, channel, catalog);
        case ChannelKind::ops:
            return may_follow_ops(account);
    }
    return unknown(channel);
}

bool hears_ops_of(const std::optional<Account>& account, std::string_view event_id) {
    return is_organiser(account) && account->acts_in(event_id);
}

const Programme* find_session_owner(const schedule::ProgrammeCatalog& catalog,
                                    std::string_view session_id) {
    for (const Programme& programme : catalog.programmes()) {
        if (programme.find_session(session_id) != nullptr)
            return &programme;
    }
    return nullptr;
}

}  // namespace stagehub::server
