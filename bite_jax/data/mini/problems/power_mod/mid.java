import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.StringTokenizer;

public class Main {
    static final long MOD = 1_000_000_007L;

    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        int q = Integer.parseInt(br.readLine().trim());
        for (int t = 0; t < q; t++) {
            StringTokenizer st = new StringTokenizer(br.readLine());
            long a = Long.parseLong(st.nextToken()) % MOD, b = Long.parseLong(st.nextToken());
            // a^b = (a^2)^(b / 2) * a^(b % 2): half as many multiplications
            long r = b % 2 == 1 ? a : 1, a2 = a * a % MOD;
            for (long i = 0; i < b / 2; i++) {
                r = r * a2 % MOD;
            }
            System.out.println(r);
        }
    }
}
