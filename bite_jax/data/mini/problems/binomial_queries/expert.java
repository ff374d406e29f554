import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.StringTokenizer;

public class Main {
    static final long MOD = 1_000_000_007L;

    static long power(long a, long e) {
        long r = 1;
        a %= MOD;
        for (; e > 0; e >>= 1) {
            if ((e & 1) == 1) r = r * a % MOD;
            a = a * a % MOD;
        }
        return r;
    }

    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        int q = Integer.parseInt(br.readLine().trim());
        int[] n = new int[q], k = new int[q];
        int top = 0;
        for (int i = 0; i < q; i++) {
            StringTokenizer st = new StringTokenizer(br.readLine());
            n[i] = Integer.parseInt(st.nextToken());
            k[i] = Integer.parseInt(st.nextToken());
            top = Math.max(top, n[i]);
        }
        // factorials and inverse factorials once, then O(1) per query
        long[] fact = new long[top + 1], inv = new long[top + 1];
        fact[0] = 1;
        for (int i = 1; i <= top; i++) fact[i] = fact[i - 1] * i % MOD;
        inv[top] = power(fact[top], MOD - 2);
        for (int i = top; i > 0; i--) inv[i - 1] = inv[i] * i % MOD;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < q; i++) {
            sb.append(fact[n[i]] * inv[k[i]] % MOD * inv[n[i] - k[i]] % MOD).append('\n');
        }
        System.out.print(sb);
    }
}
