#include <iostream>
#include <vector>
using namespace std;

const long long MOD = 1000000007LL;
vector<bool> allowed(11);  // allowed[s] is true when s is a move size

long long ways(int m) {
    if (m < 0) return 0;
    if (m == 0) return 1;
    long long total = 0;
    for (int s = 1; s <= 10; ++s)
        if (allowed[s]) total = (total + ways(m - s)) % MOD;
    return total;
}

int main() {
    int n, k;
    cin >> n >> k;
    for (int i = 0; i < k; ++i) {
        int s;
        cin >> s;
        allowed[s] = true;
    }
    cout << ways(n) << '\n';
    return 0;
}
