// The interpretation in a master playlist: the program's own sound and each booth as
// EXT-X-MEDIA lines of one group that every variant names, the booths never as variants.
#include "pipelines/audio_group.hpp"

#include <gtest/gtest.h>

#include "pipelines/audio_lane.hpp"
#include "pipelines/master_playlist.hpp"

namespace stagehub::pipelines {
namespace {

std::vector<RenditionInfo> ladder() {
    std::vector<RenditionInfo> r(3);
    r[0].name = "source";
    r[0].width = 1280;
    r[0].height = 720;
    r[0].codecs = "avc1.640028,mp4a.40.2";
    r[1].name = "audio";
    r[1].audio_only = true;
    r[1].codecs = "mp4a.40.2";
    r[2].name = "audio-en";
    r[2].audio_only = true;
    r[2].codecs = "mp4a.40.2";
    r[2].language = "en";
    r[2].label = "English \"booth\"";
    return r;
}

TEST(AudioGroup, TheBoothIsAnAlternativeSoundAndEveryVariantNamesTheGroup) {
    const std::string master = master_playlist(ladder(), "index.m3u8", "sv");
    EXPECT_NE(master.find("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aud\",LANGUAGE=\"sv\",NAME="
                          "\"Svenska\",DEFAULT=YES,AUTOSELECT=YES\n"),
              std::string::npos)
        << master;
    // Quotes in an organiser's name cannot break the attribute list.
    EXPECT_NE(
        master.find("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aud\",LANGUAGE=\"en\",NAME="
                    "\"English booth\",DEFAULT=NO,AUTOSELECT=NO,URI=\"audio-en/index.m3u8\"\n"),
        std::string::npos)
        << master;
    EXPECT_EQ(master.find("\naudio-en/index.m3u8"), std::string::npos) << master;
    size_t variants = 0;
    for (size_t at = master.find("#EXT-X-STREAM-INF"); at != std::string::npos;
         at = master.find("#EXT-X-STREAM-INF", at + 1)) {
        ++variants;
        const size_t end = master.find('\n', at);
        EXPECT_NE(master.substr(at, end - at).find("AUDIO=\"aud\""), std::string::npos);
    }
    EXPECT_EQ(variants, 2u);
}

TEST(AudioGroup, WithoutInterpretationTheMasterIsAsBefore) {
    auto plain = ladder();
    plain.pop_back();
    const std::string master = master_playlist(plain);
    EXPECT_EQ(master.find("EXT-X-MEDIA"), std::string::npos);
    EXPECT_EQ(master.find("AUDIO="), std::string::npos);
}

TEST(AudioGroup, AReplaysArchivedBoothIsMarkedWithTheStagesName) {
    std::vector<RenditionInfo> archived(3);
    archived[0].name = "source";
    archived[1].name = "audio";
    archived[2].name = "audio-en";
    mark_alternative_audio(archived, {{"en", "English (interpretation)"}});
    EXPECT_TRUE(archived[0].language.empty());
    EXPECT_TRUE(archived[1].language.empty());
    EXPECT_EQ(archived[2].language, "en");
    EXPECT_EQ(archived[2].label, "English (interpretation)");
    EXPECT_TRUE(archived[2].audio_only);
    EXPECT_EQ(archived[2].codecs, "mp4a.40.2");
    std::vector<RenditionInfo> unnamed(1);
    unnamed[0].name = "audio-nb";
    mark_alternative_audio(unnamed, {});
    EXPECT_EQ(unnamed[0].label, "Norsk bokmål");
}

// A describer's booth in the programme's own language: its own rendition, a NAME that
// says audio description (never the programme's "Svenska"), and the characteristic
// players look for.
TEST(AudioGroup, ADescribedBoothIsAudioDescriptionBesideAnInterpreterOfItsLanguage) {
    EXPECT_EQ(audio_rendition_name("sv", true), "audio-sv-described");
    EXPECT_EQ(audio_rendition_name("sv"), "audio-sv");
    auto renditions = ladder();
    RenditionInfo& described = renditions.emplace_back(renditions.back());
    described.name = audio_rendition_name("sv", true);
    described.language = "sv";
    described.label = "Svenska";
    described.describes_video = true;
    const std::string master = master_playlist(renditions, "index.m3u8", "sv");
    EXPECT_NE(master.find("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aud\",LANGUAGE=\"sv\",NAME="
                          "\"Svenska – syntolkat\",DEFAULT=NO,AUTOSELECT=NO,CHARACTERISTICS="
                          "\"public.accessibility.describes-video\",URI=\"audio-sv-described/"
                          "index.m3u8\"\n"),
              std::string::npos)
        << master;
    // The interpreter's line is as it was: no characteristic.
    EXPECT_NE(master.find("NAME=\"English booth\",DEFAULT=NO,AUTOSELECT=NO,URI="),
              std::string::npos)
        << master;
    EXPECT_EQ(described_audio_name("nb"), "Norsk bokmål – synstolket");
    EXPECT_EQ(described_audio_name("en"), "English – audio description");
    EXPECT_EQ(described_audio_name("de"), "Deutsch – audio description");
}

TEST(AudioGroup, AReplaysArchivedDescribedBoothKeepsItsLanguageAndCharacteristic) {
    std::vector<RenditionInfo> archived(4);
    archived[0].name = "source";
    archived[1].name = "audio-sv";
    archived[2].name = "audio-sv-described";
    archived[3].name = "audio--described";  // never made by stagehub: left alone
    mark_alternative_audio(archived, {{"sv", "Svenska (tolk)"}});
    EXPECT_EQ(archived[1].language, "sv");
    EXPECT_FALSE(archived[1].describes_video);
    EXPECT_EQ(archived[1].label, "Svenska (tolk)");
    EXPECT_EQ(archived[2].language, "sv");
    EXPECT_TRUE(archived[2].describes_video);
    EXPECT_EQ(archived[2].label, "Svenska – syntolkat");
    EXPECT_TRUE(archived[2].audio_only);
    EXPECT_TRUE(archived[3].language.empty());
    EXPECT_FALSE(archived[3].describes_video);
    const std::string master = master_playlist(archived, "playlist.m3u8", "sv");
    EXPECT_NE(master.find("CHARACTERISTICS=\"public.accessibility.describes-video\",URI=\"audio-"
                          "sv-described/playlist.m3u8\""),
              std::string::npos)
        << master;
}

}  // namespace
}  // namespace stagehub::pipelines
