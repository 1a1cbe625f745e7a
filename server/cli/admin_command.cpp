#include "server/cli/admin_command.hpp"

#include <filesystem>

#include "schedule/database.hpp"
#include "schedule/migrations.hpp"
#include "server/auth/speaker_link.hpp"
#include "server/auth/token_store.hpp"

namespace stagehub::server {

int run_admin(const Options& options, std::ostream& out, std::ostream& err) {
    std::filesystem::create_directories(options.data_dir);
    schedule::Database db(options.data_dir / "stagehub.db");
    schedule::migrate(db);
    TokenStore tokens(db);
    const std::set<std::string, std::less<>> events(options.events.begin(), options.events.end());

    const auto issue = [&](Role role, const std::string& name) {
        auto issued = tokens.create_account(name, role, options.person_id, events, "cli");
        if (!issued) {
            err << "stagehub: " << issued.error().message << "\n";
            return 1;
        }
        out << "created " << issued->account.describe();
        if (!events.empty()) {
            out << " for";
            for (const std::string& e : events)
                out << " " << e;
        }
        out << "\ntoken (shown only now; send it as 'Authorization: Bearer <token>'):\n"
            << issued->token << "\n";
        if (role == Role::speaker)
            out << "personal link: " << speaker_link(issued->token) << "\n";
        return 0;
    };

    switch (options.admin_action) {
        case AdminAction::create_organiser:
            return issue(Role::organiser, options.account_name);
        case AdminAction::create_staff:
            return issue(Role::staff, options.account_name);
        case AdminAction::create_captioner:
            return issue(Role::captioner, options.account_name);
        case AdminAction::speaker_link:
            return issue(Role::speaker,
                         options.account_name.empty() ? options.person_id : options.account_name);
        case AdminAction::revoke:
            if (!tokens.revoke(options.account_id)) {
                err << "stagehub: there is no account " << options.account_id
                    << " (see stagehub admin list --event ID)\n";
                return 1;
            }
            out << "revoked every token of account " << options.account_id << "\n";
            return 0;
        case AdminAction::list:
            for (const std::string& event : options.events) {
                for (const Account& account : tokens.accounts_in_event(event))
                    out << event << "\t" << account.describe() << "\n";
            }
            return 0;
    }
    return 1;
}

}  // namespace stagehub::server
