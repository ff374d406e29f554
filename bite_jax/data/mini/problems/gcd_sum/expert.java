import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.StringTokenizer;

public class Main {
    // G is multiplicative with G(p^a) = p^(a-1) * ((a+1)p - a).
    static long pillai(long n) {
        long res = 1;
        for (long p = 2; p * p <= n; p++) {
            if (n % p != 0) continue;
            long a = 0, pk = 1;
            while (n % p == 0) {
                n /= p;
                a++;
                pk *= p;
            }
            res *= pk / p * ((a + 1) * p - a);
        }
        if (n > 1) res *= 2 * n - 1;
        return res;
    }

    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        int t = Integer.parseInt(br.readLine().trim());
        StringTokenizer st = new StringTokenizer(br.readLine());
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < t; k++) {
            sb.append(pillai(Long.parseLong(st.nextToken()))).append('\n');
        }
        System.out.print(sb);
    }
}
