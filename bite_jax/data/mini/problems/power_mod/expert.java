import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.StringTokenizer;

public class Main {
    static final long MOD = 1_000_000_007L;

    // a^b mod MOD by repeated squaring.
    static long power(long a, long b) {
        long r = 1;
        a %= MOD;
        for (; b > 0; b >>= 1) {
            if ((b & 1) == 1) r = r * a % MOD;
            a = a * a % MOD;
        }
        return r;
    }

    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        int q = Integer.parseInt(br.readLine().trim());
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t < q; t++) {
            StringTokenizer st = new StringTokenizer(br.readLine());
            long a = Long.parseLong(st.nextToken()), b = Long.parseLong(st.nextToken());
            sb.append(power(a, b)).append('\n');
        }
        System.out.print(sb);
    }
}
