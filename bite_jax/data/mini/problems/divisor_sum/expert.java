import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        long n = Long.parseLong(br.readLine().trim());
        // Dirichlet hyperbola: sum d(i) = 2 * sum_{k<=s} n/k - s^2, s = isqrt(n)
        long s = (long) Math.sqrt((double) n);
        while (s * s > n) s--;
        while ((s + 1) * (s + 1) <= n) s++;
        long total = 0;
        for (long k = 1; k <= s; k++) {
            total += n / k;
        }
        System.out.println(2 * total - s * s);
    }
}
