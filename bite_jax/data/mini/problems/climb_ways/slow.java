import java.util.HashSet;
import java.util.Scanner;
import java.util.Set;

public class Main {
    static final long MOD = 1_000_000_007L;
    static Set<Integer> moves = new HashSet<>(); // the allowed move sizes

    static long ways(int m) {
        if (m < 0) return 0;
        if (m == 0) return 1;
        long total = 0;
        for (int s = 1; s <= 10; s++) {
            if (moves.contains(s)) total = (total + ways(m - s)) % MOD;
        }
        return total;
    }

    public static void main(String[] args) {
        Scanner sc = new Scanner(System.in);
        int n = sc.nextInt(), k = sc.nextInt();
        for (int i = 0; i < k; i++) moves.add(sc.nextInt());
        System.out.println(ways(n));
    }
}
