// A stage's extra audio inputs (interpretation, model.hpp's AudioInput): their shape in the
// programme file and the API, their rules, and their one column in the stages table.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/model.hpp"

namespace stagehub::schedule {

inline constexpr size_t kMaxAudioInputs = 4;
inline constexpr size_t kMaxAudioInputName = 60;  // characters

// [{"language","name","url"[,"passphrase"][,"describes_video":true]}]: the passphrase only when
// asked for (the organisers' file with secrets, the store).
nlohmann::json audio_inputs_json(const std::vector<AudioInput>& inputs, bool with_secrets);

// Reads the array; every problem is added to `problems`, prefixed with `where`.
std::vector<AudioInput> read_audio_inputs_json(const nlohmann::json& value,
                                               const std::string& where,
                                               std::vector<std::string>& problems);

// What is wrong with a stage's audio inputs, if anything (count, language, name, address,
// passphrase, a language twice among the interpreters or among the describers).
std::optional<std::string> audio_inputs_problem(const Stage& stage);

// The SRT port an input listens on ("9101"), or "" for another kind of address.
std::string audio_input_srt_port(const AudioInput& input);

// An input listed again without its passphrase (a GET never shows it; `listed` is the
// list as sent) keeps the one it had for the same address. An explicit "" clears it.
void keep_audio_passphrases(std::vector<AudioInput>& edited, const std::vector<AudioInput>& before,
                            const nlohmann::json& listed);

// The stages table's `audio_inputs` column (JSON with the passphrases) and back; a column
// that does not parse gives none.
std::string audio_inputs_column(const std::vector<AudioInput>& inputs);
std::vector<AudioInput> audio_inputs_from_column(std::string_view text);

}  // namespace stagehub::schedule
