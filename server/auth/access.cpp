#include "server/auth/access.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace stagehub::server {
namespace {

Error unauthorized(std::string message) {
    return Error{ErrorCode::unauthorized, std::move(message)};
}

Error forbidden(std::string message) {
    return Error{ErrorCode::forbidden, std::move(message)};
}

constexpr std::string_view kNeedToken =
    "this needs a token: send it as 'Authorization: Bearer <token>' (organisers get one from "
    "'stagehub admin create-organiser')";

}  // namespace

Identified identify(const HttpRequest& request, TokenStore& tokens) {
    if (request.authorization.empty())
        return Caller{};
    constexpr std::string_view kScheme = "Bearer ";
    const std::string_view header = request.authorization;
    // A malformed header is a bad token too: it counts against the address.
    const std::string_view token =
        header.size() > kScheme.size() &&
                std::equal(kScheme.begin(), kScheme.end(), header.begin(),
                           [](char a, char b) { return std::tolower(a) == std::tolower(b); })
            ? header.substr(kScheme.size())
            : std::string_view{};
    auto attempt = tokens.authenticate_from(request.peer, token);
    if (attempt.refused) {
        return rate_limited_response(*attempt.refused, "too many unknown or revoked tokens");
    }
    if (!attempt.account) {
        return error_response(
            token.empty()
                ? unauthorized("the Authorization header must be 'Bearer <token>'")
                : unauthorized("the token is unknown or revoked; ask an organiser for a new one"));
    }
    return Caller{std::move(attempt.account)};
}

RateLimited rate_limited(std::chrono::milliseconds wait, std::string_view what) {
    RateLimited refusal{std::max<int64_t>(1, (wait.count() + 999) / 1000), std::string(what)};
    refusal.message.append(" from your address; try again in ")
        .append(std::to_string(refusal.seconds))
        .append(" s");
    return refusal;
}

HttpResponse rate_limited_response(std::chrono::milliseconds wait, std::string_view what) {
    const RateLimited refusal = rate_limited(wait, what);
    return error_response(Error{ErrorCode::rate_limited, refusal.message})
        .header("retry-after", std::to_string(refusal.seconds));
}

Status require_organiser_of(const Caller& caller, std::string_view event_id) {
    if (!caller.account)
        return unauthorized(std::string(kNeedToken));
    if (!caller.organises(event_id)) {
        std::string message = "only organisers of event '";
        message.append(event_id).append("' may do this; this token is for ");
        message.append(caller.account->describe());
        return forbidden(std::move(message));
    }
    return ok_status();
}

Status require_organiser(const Caller& caller) {
    if (!caller.account)
        return unauthorized(std::string(kNeedToken));
    if (!caller.is(Role::organiser))
        return forbidden("only organisers may do this; this token is for " +
                         caller.account->describe());
    return ok_status();
}

Status require_staff_of(const Caller& caller, std::string_view event_id) {
    if (!caller.account)
        return unauthorized(std::string(kNeedToken));
    if (!(caller.is(Role::staff) || caller.is(Role::organiser)) ||
        !caller.account->acts_in(event_id)) {
        std::string message = "only staff and organisers of event '";
        message.append(event_id).append("' may see this; this token is for ");
        message.append(caller.account->describe());
        return forbidden(std::move(message));
    }
    return ok_status();
}

Status require_speaker(const Caller& caller) {
    if (!caller.account)
        return unauthorized("this needs a speaker's personal link token");
    if (!caller.is(Role::speaker))
        return forbidden("this is for speakers; this token is for " + caller.account->describe());
    return ok_status();
}

Status require_captioner_of(const Caller& caller, std::string_view event_id) {
    if (!caller.account) {
        return unauthorized(
            "this needs a captioner's or organiser's token: send it as 'Authorization: Bearer "
            "<token>' (captioners get one from 'stagehub admin create-captioner')");
    }
    if (!(caller.is(Role::captioner) || caller.is(Role::organiser)) ||
        !caller.account->acts_in(event_id)) {
        std::string message = "only captioners and organisers of event '";
        message.append(event_id).append("' may caption it; this token is for ");
        message.append(caller.account->describe());
        return forbidden(std::move(message));
    }
    return ok_status();
}

bool may_see_session(const std::optional<Account>& account, const schedule::Programme& programme,
                     const schedule::Session& session) {
    if (programme.event.published && session.published)
        return true;
    if (!account || !account->acts_in(programme.event.id))
        return false;
    if (account->role == Role::organiser)
        return true;
    return account->role == Role::speaker &&
           std::any_of(session.people.begin(), session.people.end(),
                       [&](const auto& sp) { return sp.person_id == account->person_id; });
}

}  // namespace stagehub::server
