// The configuration file (/etc/stagehub/stagehub.conf, or `--config FILE`): one setting a
// line as `key = value`, where a key is a serve option's long name without "--". Lines
// starting with `#` and blank lines are ignored; a value may be wrapped in double quotes
// (to keep spaces at its ends). Only the syntax is read here: which keys exist and what
// their values may be is the option table's business (options.cpp), so a key is valid in
// the file exactly when it is valid on the command line.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/result.hpp"

namespace stagehub::server {

struct ConfigSetting {
    int line = 0;  // 1-based, for messages
    std::string key;
    std::string value;
};

struct ConfigFile {
    std::filesystem::path path;
    std::vector<ConfigSetting> settings;  // in file order
};

// The settings of `text`; a line that is not a setting, a comment or blank is an error
// naming `path` and the line ("stagehub.conf:7: ...").
Result<ConfigFile> parse_config_text(std::string_view text, const std::filesystem::path& path);

// Reads and parses the file at `path`; an unreadable file is an error that says so.
Result<ConfigFile> read_config_file(const std::filesystem::path& path);

// "path:line: " for a message about that setting.
std::string config_location(const ConfigFile& file, const ConfigSetting& setting);

}  // namespace stagehub::server
