#include <iostream>
using namespace std;

const long long MOD = 1000000007LL;

int main() {
    int q;
    cin >> q;
    while (q--) {
        long long a, b;
        cin >> a >> b;
        a %= MOD;
        long long r = 1;
        for (long long i = 0; i < b; ++i) r = r * a % MOD;
        cout << r << endl;
    }
    return 0;
}
