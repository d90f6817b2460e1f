using EmotionML.TestData;
using EmotionML.Training.Corpora;

namespace EmotionML.Training.Tests;

public sealed class CorpusReaderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("emotionml-corpus-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Touch(string relative)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Signals.Wav16(Signals.Sine(200, 16000, 0.05), 16000));
        return path;
    }

    [Fact]
    public void Reads_the_real_ravdess_folder()
    {
        var corpus = CorpusReader.Read(SharedData.RavdessDir, CorpusFormat.Ravdess, new CorpusReadOptions { Strict = true });
        Assert.Equal(1200, corpus.Items.Count);
        Assert.Empty(corpus.Rejected);
        Assert.Equal(20, corpus.Speakers.Count);
        Assert.Equal(LabelSet.Ravdess, corpus.Labels);
        Assert.Equal(80, corpus.Items.Count(i => i.Label == "neutral"));
        Assert.All(LabelSet.Ravdess.Labels.Skip(1), l => Assert.Equal(160, corpus.Items.Count(i => i.Label == l)));
        var item = corpus.Items.Single(i => Path.GetFileName(i.Path) == "03-01-05-02-01-01-12.wav");
        Assert.Equal("angry", item.Label);
        Assert.Equal("ravdess:12", item.Speaker);
        Assert.Equal("strong", item.Metadata["intensity"]);
        Assert.Equal("Kids are talking by the door", item.Metadata["statement"]);
        Assert.Equal("female", item.Metadata["sex"]);
        Assert.Equal(CorpusFormat.Ravdess, CorpusReader.Detect(SharedData.RavdessDir));
    }

    [Fact]
    public void Reads_the_real_emodb_folder()
    {
        var dir = Path.Combine(SharedData.RootPath, "data", "emodb");
        var corpus = CorpusReader.Read(dir, CorpusFormat.EmoDb);
        Assert.Equal(535, corpus.Items.Count);
        Assert.Equal(10, corpus.Speakers.Count);
        Assert.Equal(7, corpus.Items.Select(i => i.Label).Distinct().Count());
        Assert.Contains(corpus.Items, i => i.Label == "boredom");
        var item = corpus.Items.Single(i => Path.GetFileName(i.Path) == "03a01Fa.wav");
        Assert.Equal(("happy", "emodb:03", "a01", "male"), (item.Label, item.Speaker, item.Metadata["text"], item.Metadata["sex"]));
        Assert.Equal(CorpusFormat.EmoDb, CorpusReader.Detect(dir));
    }

    [Fact]
    public void Reads_tess_cremad_and_savee_names_and_reports_the_ones_that_do_not_parse()
    {
        Touch("OAF_angry/OAF_back_angry.wav");
        Touch("YAF_pleasant_surprised/YAF_dog_ps.wav");
        Touch("OAF_Fear/OAF_bite_fear.wav");
        Touch("OAF_angry/notes_about_it.wav");
        var tess = CorpusReader.Read(_root, CorpusFormat.Tess);
        Assert.Equal(["angry", "fearful", "surprised"], tess.Items.Select(i => i.Label).Order());
        Assert.Equal(["tess:OAF", "tess:YAF"], tess.Speakers);
        Assert.Equal("back", tess.Items.Single(i => i.Label == "angry").Metadata["word"]);
        var rejected = Assert.Single(tess.Rejected);
        Assert.EndsWith("notes_about_it.wav", rejected.Path);
        Assert.Contains("not a TESS name", rejected.Reason);
        Assert.Throws<CorpusFormatException>(() => CorpusReader.Read(_root, CorpusFormat.Tess, new CorpusReadOptions { Strict = true }));
    }

    [Fact]
    public void Reads_cremad_names()
    {
        Touch("1001_DFA_ANG_XX.wav");
        Touch("1091_IEO_HAP_HI.wav");
        Touch("1050_TIE_NEU_LO.wav");
        Touch("0999_DFA_ANG_XX.wav");
        Touch("1001_DFA_BOR_XX.wav");
        var corpus = CorpusReader.Read(_root, CorpusFormat.CremaD);
        Assert.Equal(3, corpus.Items.Count);
        Assert.Equal(2, corpus.Rejected.Count);
        var happy = corpus.Items.Single(i => i.Label == "happy");
        Assert.Equal(("cremad:1091", "IEO", "high"), (happy.Speaker, happy.Metadata["sentence"], happy.Metadata["intensity"]));
        Assert.Contains(corpus.Rejected, r => r.Reason.Contains("BOR"));
        Assert.Equal(CorpusFormat.CremaD, CorpusReader.Detect(_root));
    }

    [Fact]
    public void Reads_savee_names_in_both_layouts()
    {
        Touch("DC_a01.wav");
        Touch("JE/sa03.wav");
        Touch("KL_su15.wav");
        Touch("JK/n1.wav");
        Touch("XX_a01.wav");
        var corpus = CorpusReader.Read(_root, CorpusFormat.Savee);
        Assert.Equal(["angry", "neutral", "sad", "surprised"], corpus.Items.Select(i => i.Label).Order());
        Assert.Equal(["savee:DC", "savee:JE", "savee:JK", "savee:KL"], corpus.Speakers);
        Assert.Single(corpus.Rejected);
    }

    [Fact]
    public void Reads_folder_per_label_and_csv_manifests()
    {
        Touch("angry/a.wav");
        Touch("calm/b.wav");
        Touch("loose.wav");
        var folders = CorpusReader.Read(_root, CorpusFormat.Folders);
        Assert.Equal(["angry", "calm"], folders.Items.Select(i => i.Label));
        Assert.False(folders.HasSpeakers);
        Assert.Single(folders.Rejected);

        File.WriteAllText(Path.Combine(_root, "manifest.csv"), "path,label,speaker,session\nangry/a.wav,Angry,s1,1\n\"calm/b.wav\",calm,s2,2\nmissing.wav,sad,s3,3\nangry/a.wav,happy\n");
        var csv = CorpusReader.Read(Path.Combine(_root, "manifest.csv"), CorpusFormat.Csv);
        Assert.Equal(2, csv.Items.Count);
        Assert.Equal(("angry", "csv:s1", "1"), (csv.Items[0].Label, csv.Items[0].Speaker, csv.Items[0].Metadata["session"]));
        Assert.Equal(2, csv.Rejected.Count);
        Assert.Equal(CorpusFormat.Csv, CorpusReader.Detect(Path.Combine(_root, "manifest.csv")));

        File.WriteAllText(Path.Combine(_root, "bad.csv"), "file,emotion\nx.wav,angry\n");
        Assert.Throws<CorpusFormatException>(() => CorpusReader.Read(Path.Combine(_root, "bad.csv"), CorpusFormat.Csv));
    }

    [Fact]
    public void A_csv_manifest_with_quoted_commas_quotes_and_line_breaks_parses()
    {
        Touch("clips/take 1, loud.wav");
        Touch("clips/b.wav");
        // RFC 4180: a path with a comma, a note with a doubled quote and a line break inside quotes.
        File.WriteAllText(Path.Combine(_root, "manifest.csv"),
            "path,label,speaker,note\n\"clips/take 1, loud.wav\",angry,\"Smith, J.\",\"said \"\"no\"\"\"\nclips/b.wav,sad,s2,\"two\nlines\"\n");
        var csv = CorpusReader.Read(Path.Combine(_root, "manifest.csv"), CorpusFormat.Csv, new CorpusReadOptions { Strict = true });
        Assert.Equal(2, csv.Items.Count);
        var first = csv.Items.Single(i => i.Label == "angry");
        Assert.EndsWith("take 1, loud.wav", first.Path);
        Assert.Equal("csv:Smith, J.", first.Speaker);
        Assert.Equal("said \"no\"", first.Metadata["note"]);
        Assert.Equal("two\nlines", csv.Items.Single(i => i.Label == "sad").Metadata["note"]);
    }

    [Fact]
    public void Folder_corpora_get_speakers_from_a_file_name_pattern()
    {
        Touch("angry/spk1_001.wav");
        Touch("angry/spk2_001.wav");
        Touch("sad/spk1_002.wav");
        Touch("sad/nospeaker.wav");
        var pattern = new System.Text.RegularExpressions.Regex("^(?<speaker>spk[0-9]+)_");
        var corpus = CorpusReader.Read(_root, CorpusFormat.Folders, new CorpusReadOptions { SpeakerPattern = pattern });
        Assert.True(corpus.HasSpeakers);
        Assert.Equal(["folders:spk1", "folders:spk2"], corpus.Speakers);
        Assert.Contains("does not match", Assert.Single(corpus.Rejected).Reason);
    }

    [Fact]
    public void Maps_labels_into_the_common_set()
    {
        Assert.Equal("neutral", CommonLabels.Map("calm"));
        Assert.Null(CommonLabels.Map("calm", CalmHandling.Drop));
        Assert.Null(CommonLabels.Map("boredom"));
        var ravdess = CorpusReader.Read(SharedData.RavdessDir, CorpusFormat.Ravdess);
        var merged = ravdess.ToCommonLabels();
        Assert.Equal(1200, merged.Items.Count);
        Assert.Equal(240, merged.Items.Count(i => i.Label == "neutral"));
        Assert.Equal(1040, ravdess.ToCommonLabels(CalmHandling.Drop).Items.Count);
        var emodb = CorpusReader.Read(Path.Combine(SharedData.RootPath, "data", "emodb"), CorpusFormat.EmoDb).ToCommonLabels();
        Assert.DoesNotContain(emodb.Items, i => i.Label == "boredom");
        var both = Corpus.Combine(merged, emodb);
        Assert.Equal(merged.Items.Count + emodb.Items.Count, both.Items.Count);
        Assert.Equal(30, both.Speakers.Count);
    }
}
