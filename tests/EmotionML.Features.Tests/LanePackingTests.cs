using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace EmotionML.Features.Tests;

public sealed class LanePackingTests
{
    [Fact]
    public void Every_lane_mask_packs_its_lanes_in_order_and_counts_them()
    {
        if (!Avx2.IsSupported)
        {
            return; // the packing is an AVX2 path; machines without it never call it
        }

        var lanes = Vector256.Create(10f, 11f, 12f, 13f, 14f, 15f, 16f, 17f);
        var target = new float[16];
        for (uint mask = 0; mask < 256; mask++)
        {
            int count = 3;
            LanePacking.Pack(lanes, mask, ref target[0], ref count);
            var expected = Enumerable.Range(0, 8).Where(lane => (mask & (1u << lane)) != 0).Select(lane => 10f + lane).ToArray();
            Assert.Equal(3 + expected.Length, count);
            Assert.Equal(expected, target.AsSpan(3, expected.Length).ToArray());
        }
    }
}
