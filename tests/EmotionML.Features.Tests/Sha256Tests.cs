using System.Text;

namespace EmotionML.Features.Tests;

public sealed class Sha256Tests
{
    [Fact]
    public void Digests_equal_the_runtimes_for_every_length_around_the_block_boundaries()
    {
        var random = new Random(12);
        foreach (int length in Enumerable.Range(0, 200).Concat([447, 448, 511, 512, 513, 4096, 100_003]))
        {
            var data = new byte[length];
            random.NextBytes(data);
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(data), Sha256.HashData(data));
        }
    }

    [Fact]
    public void The_standards_test_vectors_give_their_published_digests()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(Sha256.HashData("abc"u8)));
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(Sha256.HashData([])));
        Assert.Equal(
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
            Convert.ToHexStringLower(Sha256.HashData(Encoding.ASCII.GetBytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))));
    }
}
