import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintWriter;

public class Main {
    // Minimal buffered reader of non-negative integers from a raw byte stream.
    static final DataInputStream in = new DataInputStream(System.in);
    static final byte[] buf = new byte[1 << 16];
    static int len = 0, pos = 0;

    static int read() throws IOException {
        if (pos == len) {
            len = in.read(buf, 0, buf.length);
            pos = 0;
            if (len <= 0) return -1;
        }
        return buf[pos++];
    }

    static int nextInt() throws IOException {
        int ch = read();
        while (ch < '0' || ch > '9') ch = read();
        int v = 0;
        while (ch >= '0' && ch <= '9') {
            v = v * 10 + (ch - '0');
            ch = read();
        }
        return v;
    }

    public static void main(String[] args) throws IOException {
        int r = nextInt(), c = nextInt();
        int[][] a = new int[r][c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) a[i][j] = nextInt();
        }
        StringBuilder sb = new StringBuilder(r * c * 8);
        for (int j = 0; j < c; j++) {
            for (int i = 0; i < r; i++) {
                sb.append(a[i][j]).append(i + 1 < r ? ' ' : '\n');
            }
        }
        PrintWriter out = new PrintWriter(System.out);
        out.print(sb);
        out.flush();
    }
}
