import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.StringTokenizer;

public class Main {
    static final long MOD = 1_000_000_007L;
    static final long INV6 = 166_666_668L; // inverse of 6 modulo MOD

    // 1^2 + ... + n^2 modulo MOD using n(n+1)(2n+1)/6.
    static long squarePrefix(long n) {
        return n % MOD * ((n + 1) % MOD) % MOD * ((2 * n + 1) % MOD) % MOD * INV6 % MOD;
    }

    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        int q = Integer.parseInt(br.readLine().trim());
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t < q; t++) {
            StringTokenizer st = new StringTokenizer(br.readLine());
            long l = Long.parseLong(st.nextToken()), r = Long.parseLong(st.nextToken());
            sb.append((squarePrefix(r) - squarePrefix(l - 1) + MOD) % MOD).append('\n');
        }
        System.out.print(sb);
    }
}
