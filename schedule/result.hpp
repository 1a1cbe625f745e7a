// Expected failures as values: a Result<T> holds either a T or an Error with a machine
// code (stable, for clients: schedule/error_code.hpp) and a human message (names the
// field or conflict).
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include "schedule/error_code.hpp"

namespace stagehub {

struct Error {
    // No default: an Error without a code would read as the list's first code.
    Error(ErrorCode error_code, std::string text) : code(error_code), message(std::move(text)) {}

    ErrorCode code;
    std::string message;  // for people: says what is wrong and with which thing

    bool operator==(const Error&) const = default;
};

template <typename T>
class [[nodiscard]] Result {
  public:
    Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
    Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

    bool ok() const { return std::holds_alternative<T>(state_); }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<T>(state_);
    }
    const T& value() const& {
        assert(ok());
        return std::get<T>(state_);
    }
    T&& value() && {
        assert(ok());
        return std::get<T>(std::move(state_));
    }
    const Error& error() const {
        assert(!ok());
        return std::get<Error>(state_);
    }

    // The value, or `fallback` when this holds an error (for callers that answer every
    // error alike).
    T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }
    T value_or(T fallback) && {
        return ok() ? std::get<T>(std::move(state_)) : std::move(fallback);
    }

    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

  private:
    std::variant<T, Error> state_;
};

// Result of an operation that yields nothing on success.
struct Done {};
using Status = Result<Done>;

inline Status ok_status() {
    return Done{};
}

}  // namespace stagehub
